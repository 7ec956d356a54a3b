import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { parseConfigMoney } from '../common/money';
import { EnvironmentVariables, validateEnv } from './env.validation';

export type DbType = 'sqlite' | 'postgres';

/** Node HTTP server limits (HTTP_* variables). */
export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** 0: no cap. */
  maxConnections: number;
}

/** Typed, parsed configuration: money in minor units, flags as booleans. */
@Injectable()
export class AppConfig {
  readonly port: number;
  readonly nodeEnv: string;
  readonly dbType: DbType;
  readonly databaseUrl?: string;
  readonly sqlitePath: string;
  readonly sqliteSynchronous: 'FULL' | 'NORMAL';
  readonly migrationsRun: boolean;
  readonly dbPoolSize: number;
  /** Postgres: longest wait for a pooled connection (or a new one) before a request gets 503. */
  readonly dbAcquireTimeoutMs: number;
  /** At boot: how long an unreachable database is waited for (retried, logged) before the boot fails. */
  readonly dbConnectTimeoutMs: number;
  readonly currency: string;
  readonly defaultOverdraftLimit: bigint;
  readonly defaultDailyWithdrawalLimit: bigint | null;
  readonly maxTransactionAmount: bigint;
  readonly maxAtmWithdrawal: bigint;
  readonly maxCoinsPerWithdrawal: number;
  readonly idempotencyTtlSeconds: number;
  /** An ATM withdrawal older than this is no longer reversed (REVERSAL_WINDOW_CLOSED). */
  readonly reversalWindowSeconds: number;
  /** 0: no rate limit. */
  readonly rateLimitPerMinute: number;
  /** Express's `trust proxy` setting, when TRUST_PROXY is set. */
  readonly trustProxy: boolean | number | string | undefined;
  /** Exact browser origins allowed by CORS; empty: no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  readonly seedDemoData: boolean;
  /** ADMIN_API_KEY: the built-in `bootstrap` admin's key, or null (no built-in admin). */
  readonly adminApiKey: string | null;
  readonly preloadAccounts: ReadonlyMap<string, bigint> | null;
  readonly logLevel: string;
  readonly logPretty: boolean;
  readonly shutdownTimeoutMs: number;
  readonly requireIdempotencyKey: boolean;
  readonly http: HttpLimits;

  constructor(config: ConfigService) {
    // validateEnv() already turned every variable into its declared type.
    const env = <K extends keyof EnvironmentVariables>(name: K): EnvironmentVariables[K] =>
      config.get<EnvironmentVariables[K]>(name) as EnvironmentVariables[K];
    this.port = env('PORT');
    this.nodeEnv = env('NODE_ENV') ?? 'development';
    this.dbType = env('DB_TYPE');
    this.databaseUrl = env('DATABASE_URL');
    this.sqlitePath = env('SQLITE_PATH');
    this.sqliteSynchronous = env('SQLITE_SYNCHRONOUS');
    this.migrationsRun = env('DB_MIGRATIONS_RUN');
    this.dbPoolSize = env('DB_POOL_SIZE');
    this.dbAcquireTimeoutMs = env('DB_ACQUIRE_TIMEOUT_MS');
    this.dbConnectTimeoutMs = env('DB_CONNECT_TIMEOUT_MS');
    this.currency = env('CURRENCY');
    this.defaultOverdraftLimit = parseConfigMoney(env('DEFAULT_OVERDRAFT_LIMIT'), 'DEFAULT_OVERDRAFT_LIMIT');
    const daily = env('DEFAULT_DAILY_WITHDRAWAL_LIMIT');
    this.defaultDailyWithdrawalLimit = daily ? parseConfigMoney(daily, 'DEFAULT_DAILY_WITHDRAWAL_LIMIT') : null;
    this.maxTransactionAmount = parseConfigMoney(env('MAX_TRANSACTION_AMOUNT'), 'MAX_TRANSACTION_AMOUNT');
    this.maxAtmWithdrawal = parseConfigMoney(env('MAX_ATM_WITHDRAWAL'), 'MAX_ATM_WITHDRAWAL');
    this.maxCoinsPerWithdrawal = env('MAX_COINS_PER_WITHDRAWAL');
    this.idempotencyTtlSeconds = env('IDEMPOTENCY_TTL_SECONDS');
    this.reversalWindowSeconds = env('REVERSAL_WINDOW_SECONDS');
    this.rateLimitPerMinute = env('RATE_LIMIT_PER_MINUTE');
    this.trustProxy = parseTrustProxy(env('TRUST_PROXY'));
    this.corsOrigins = parseCorsOrigins(env('CORS_ORIGINS'));
    this.seedDemoData = env('SEED_DEMO_DATA') ?? this.nodeEnv !== 'production';
    this.adminApiKey = env('ADMIN_API_KEY') ?? null;
    this.preloadAccounts = parsePreload(env('PRELOAD_ACCOUNTS'));
    this.logLevel = env('LOG_LEVEL');
    this.logPretty = env('LOG_PRETTY');
    this.shutdownTimeoutMs = env('SHUTDOWN_TIMEOUT_MS');
    this.requireIdempotencyKey = env('REQUIRE_IDEMPOTENCY_KEY');
    this.http = {
      headersTimeoutMs: env('HTTP_HEADERS_TIMEOUT_MS'),
      // Node requires requestTimeout >= headersTimeout.
      requestTimeoutMs: Math.max(env('HTTP_REQUEST_TIMEOUT_MS'), env('HTTP_HEADERS_TIMEOUT_MS')),
      keepAliveTimeoutMs: env('HTTP_KEEP_ALIVE_TIMEOUT_MS'),
      maxConnections: env('HTTP_MAX_CONNECTIONS'),
    };
  }

  /** For code outside Nest (the migration CLI, tests): validate variables the same way. */
  static fromEnv(raw: Record<string, unknown> = process.env): AppConfig {
    const env = validateEnv(raw);
    return new AppConfig({ get: (name: string) => (env as unknown as Record<string, unknown>)[name] } as ConfigService);
  }
}

const ACCOUNT_NUMBER = /^[A-Za-z0-9_-]{1,34}$/;

function parsePreload(text: string | undefined): ReadonlyMap<string, bigint> | null {
  if (!text) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('PRELOAD_ACCOUNTS must be JSON such as {"1001":"1000.00"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('PRELOAD_ACCOUNTS must be a JSON object of account number to balance');
  }
  const accounts = new Map<string, bigint>();
  for (const [number, balance] of Object.entries(parsed)) {
    if (!ACCOUNT_NUMBER.test(number)) throw new Error(`PRELOAD_ACCOUNTS: bad account number ${JSON.stringify(number)}`);
    accounts.set(number, parseConfigMoney(String(balance), `PRELOAD_ACCOUNTS[${number}]`));
  }
  return accounts;
}

function parseTrustProxy(value: string | undefined): boolean | number | string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  return /^\d+$/.test(text) ? Number(text) : text;
}

/**
 * Exact origins (`https://teller.example.com`, `http://localhost:5173`): a
 * wildcard, a path or anything else than scheme://host[:port] is refused, so
 * the allow-list means what it says.
 */
function parseCorsOrigins(text: string | undefined): readonly string[] {
  const origins = (text ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new Error(
        `CORS_ORIGINS: ${JSON.stringify(origin)} is not an exact origin such as https://teller.example.com (no wildcard, path or trailing slash)`,
      );
    }
  }
  return origins;
}
