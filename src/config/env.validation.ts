import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidationError,
  validateSync,
} from 'class-validator';

const MONEY = /^\d{1,13}(\.\d{1,2})?$/;
const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? (({ true: true, '1': true, false: false, '0': false } as Record<string, boolean>)[value.trim().toLowerCase()] ?? value)
    : value;
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every environment variable the service reads, validated once at boot. */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsIn(['sqlite', 'postgres'])
  DB_TYPE: 'sqlite' | 'postgres' = 'sqlite';

  @ValidateIf((env: EnvironmentVariables) => env.DB_TYPE === 'postgres')
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL when DB_TYPE=postgres' })
  DATABASE_URL?: string;

  @IsString()
  SQLITE_PATH = './data/atm.sqlite';

  @IsIn(['FULL', 'NORMAL'])
  SQLITE_SYNCHRONOUS: 'FULL' | 'NORMAL' = 'FULL';

  @Transform(toBool)
  @IsBoolean()
  DB_MIGRATIONS_RUN = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE = 16;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  DB_ACQUIRE_TIMEOUT_MS = 3000;

  /** At boot: how long to keep retrying an unreachable database before giving up (0: one attempt). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DB_CONNECT_TIMEOUT_MS = 30000;

  @Matches(/^[A-Z]{3}$/, { message: 'CURRENCY must be a 3-letter ISO 4217 code such as USD' })
  CURRENCY = 'USD';

  @Matches(MONEY, { message: 'DEFAULT_OVERDRAFT_LIMIT must be an amount such as "0.00"' })
  DEFAULT_OVERDRAFT_LIMIT = '0.00';

  @IsOptional()
  @Matches(MONEY, { message: 'DEFAULT_DAILY_WITHDRAWAL_LIMIT must be an amount such as "500.00"' })
  DEFAULT_DAILY_WITHDRAWAL_LIMIT?: string;

  @Matches(MONEY, { message: 'MAX_TRANSACTION_AMOUNT must be an amount such as "1000000.00"' })
  MAX_TRANSACTION_AMOUNT = '1000000.00';

  @Matches(MONEY, { message: 'MAX_ATM_WITHDRAWAL must be an amount such as "2000.00"' })
  MAX_ATM_WITHDRAWAL = '2000.00';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10000)
  MAX_COINS_PER_WITHDRAWAL = 50;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(30 * 86400)
  IDEMPOTENCY_TTL_SECONDS = 86400;

  /** How long after an ATM withdrawal its reversal is accepted (API.md v1.2, "Reversals"). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(366 * 86400)
  REVERSAL_WINDOW_SECONDS = 86400;

  /** Requests per client per minute; 0 is no limit (API.md: 429, off unless configured). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE = 0;

  /** Express's `trust proxy`: `true`, a hop count, or addresses/subnets/keywords (`loopback`, `10.0.0.0/8`). */
  @IsOptional()
  @Matches(/^(true|false|\d{1,2}|[0-9A-Za-z.:/,\s]+)$/, {
    message: 'TRUST_PROXY must be true, false, a hop count or a list of addresses/subnets',
  })
  TRUST_PROXY?: string;

  /** Browser origins allowed to call the API (CORS), comma-separated exact origins; unset: no CORS headers. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  SEED_DEMO_DATA?: boolean;

  /** The operator's key, acting as the built-in admin client `bootstrap`; unset: no built-in admin. */
  @IsOptional()
  @Matches(/^[\x21-\x7e]{32,512}$/, {
    message: 'ADMIN_API_KEY must be 32 to 512 visible ASCII characters (generate one with: openssl rand -base64 32)',
  })
  ADMIN_API_KEY?: string;

  @IsOptional()
  @IsString()
  PRELOAD_ACCOUNTS?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @Transform(toBool)
  @IsBoolean()
  LOG_PRETTY = false;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600000)
  SHUTDOWN_TIMEOUT_MS = 10000;

  /** true: a money-moving POST without an Idempotency-Key is 400 (its outcome could otherwise be unknown). */
  @Transform(toBool)
  @IsBoolean()
  REQUIRE_IDEMPOTENCY_KEY = false;

  /** Longest time a client may take to send the request headers (slow-header attacks). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600000)
  HTTP_HEADERS_TIMEOUT_MS = 10000;

  /** Longest time a client may take to send a whole request, body included (slow bodies). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600000)
  HTTP_REQUEST_TIMEOUT_MS = 30000;

  /** How long an idle keep-alive connection stays open (above a load balancer's idle timeout when behind one). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5000;

  /** Open connections accepted at once; more are closed on arrival (0: no cap). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  HTTP_MAX_CONNECTIONS = 1024;
}

/** A configuration the server cannot start with; `variables` are the ones to fix. */
export class ConfigError extends Error {
  constructor(
    readonly variables: string[],
    readonly problems: string[],
  ) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

// A value of the wrong type fails its range checks too ("PORT must not be
// greater than 65535" for PORT=abc): name only the type when it is wrong.
const TYPE_CONSTRAINTS = ['isInt', 'isBoolean', 'isString', 'isIn', 'matches'];

function describe(error: ValidationError): string {
  const constraints = error.constraints ?? {};
  const typeFailure = TYPE_CONSTRAINTS.find((name) => constraints[name]);
  const messages = typeFailure ? [constraints[typeFailure]] : Object.values(constraints);
  // Never echo a credential into the logs.
  const secret = /URL|KEY|SECRET|PASSWORD/.test(error.property);
  const got = error.value === undefined || secret ? '' : ` (got ${JSON.stringify(String(error.value))})`;
  return `${messages.join('; ')}${got}`;
}

/** ConfigModule's `validate`: a bad value stops the boot with a message naming the variable. */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const blankless = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  const env = plainToInstance(EnvironmentVariables, blankless, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((e) => e.property),
      errors.map(describe),
    );
  }
  return env;
}
