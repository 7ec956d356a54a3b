import { AppConfig } from './app-config';
import { validateEnv } from './env.validation';

describe('configuration', () => {
  it('has working defaults for an empty environment', () => {
    const config = AppConfig.fromEnv({});
    expect(config).toMatchObject({
      port: 3000,
      dbType: 'sqlite',
      sqlitePath: './data/atm.sqlite',
      migrationsRun: true,
      dbPoolSize: 16,
      dbAcquireTimeoutMs: 3000,
      currency: 'USD',
      defaultOverdraftLimit: 0n,
      defaultDailyWithdrawalLimit: null,
      maxTransactionAmount: 100000000n,
      maxAtmWithdrawal: 200000n,
      maxCoinsPerWithdrawal: 50,
      idempotencyTtlSeconds: 86400,
      reversalWindowSeconds: 86400,
      rateLimitPerMinute: 0,
      trustProxy: undefined,
      seedDemoData: true,
      preloadAccounts: null,
      logLevel: 'info',
    });
  });

  it('turns demo data off by default in production', () => {
    expect(AppConfig.fromEnv({ NODE_ENV: 'production' }).seedDemoData).toBe(false);
    expect(AppConfig.fromEnv({ NODE_ENV: 'production', SEED_DEMO_DATA: 'true' }).seedDemoData).toBe(true);
  });

  it('parses typed values', () => {
    const config = AppConfig.fromEnv({
      PORT: '8080',
      DB_TYPE: 'postgres',
      DATABASE_URL: 'postgres://u@h/db',
      DB_MIGRATIONS_RUN: 'false',
      DEFAULT_OVERDRAFT_LIMIT: '25.5',
      DEFAULT_DAILY_WITHDRAWAL_LIMIT: '500',
      PRELOAD_ACCOUNTS: '{"1001":"1000.00","x_2":"0.01"}',
      DB_ACQUIRE_TIMEOUT_MS: '10000',
      RATE_LIMIT_PER_MINUTE: '600',
      TRUST_PROXY: '2',
    });
    expect(config).toMatchObject({ rateLimitPerMinute: 600, trustProxy: 2 });
    expect(AppConfig.fromEnv({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(AppConfig.fromEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(config).toMatchObject({
      port: 8080,
      dbType: 'postgres',
      migrationsRun: false,
      defaultOverdraftLimit: 2550n,
      defaultDailyWithdrawalLimit: 50000n,
      dbAcquireTimeoutMs: 10000,
    });
    expect([...(config.preloadAccounts ?? [])]).toEqual([
      ['1001', 100000n],
      ['x_2', 1n],
    ]);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DB_TYPE: 'mysql' }, /DB_TYPE/],
    [{ DB_TYPE: 'postgres' }, /DATABASE_URL/],
    [{ DB_TYPE: 'postgres', DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ CURRENCY: 'dollars' }, /CURRENCY/],
    [{ DEFAULT_OVERDRAFT_LIMIT: '-5' }, /DEFAULT_OVERDRAFT_LIMIT/],
    [{ MAX_TRANSACTION_AMOUNT: '1e6' }, /MAX_TRANSACTION_AMOUNT/],
    [{ SEED_DEMO_DATA: 'maybe' }, /SEED_DEMO_DATA/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL/],
    [{ DB_MIGRATIONS_RUN: 'yes please' }, /DB_MIGRATIONS_RUN/],
    [{ DB_ACQUIRE_TIMEOUT_MS: '50' }, /DB_ACQUIRE_TIMEOUT_MS/],
    [{ DB_ACQUIRE_TIMEOUT_MS: 'soon' }, /DB_ACQUIRE_TIMEOUT_MS/],
    [{ RATE_LIMIT_PER_MINUTE: '-1' }, /RATE_LIMIT_PER_MINUTE/],
    [{ RATE_LIMIT_PER_MINUTE: 'lots' }, /RATE_LIMIT_PER_MINUTE/],
    [{ TRUST_PROXY: 'x; rm -rf' }, /TRUST_PROXY/],
  ])('refuses %p with a message naming the variable', (env, message) => {
    expect(() => validateEnv(env)).toThrow(message);
  });

  it.each([
    ['not json', /PRELOAD_ACCOUNTS must be JSON/],
    ['[1,2]', /JSON object/],
    ['{"bad number!":"1.00"}', /bad account number/],
    ['{"1001":"lots"}', /PRELOAD_ACCOUNTS\[1001\]/],
  ])('refuses PRELOAD_ACCOUNTS=%p', (value, message) => {
    expect(() => AppConfig.fromEnv({ PRELOAD_ACCOUNTS: value })).toThrow(message);
  });
});
