import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { BootLogger } from './boot-logger';
import { BootError } from './common/boot-error';
import { AppConfig } from './config/app-config';
import { ConfigError } from './config/env.validation';
import { pinoOptions } from './logging.module';

/**
 * The environment as ConfigModule sees it: `.env` (when present) under the
 * process's own variables, which win. Read here too so a bad value fails
 * before Nest starts, as one line.
 */
function environment(): Record<string, string | undefined> {
  const file = existsSync('.env') ? parseEnv(readFileSync('.env', 'utf8')) : {};
  return { ...file, ...process.env };
}

function loadConfig(): AppConfig {
  try {
    const config = AppConfig.fromEnv(environment());
    if (config.logPretty && !canResolve('pino-pretty')) {
      throw new BootError(
        'LOG_PRETTY=true needs pino-pretty, a development dependency this installation does not have ' +
          '(the production image): unset LOG_PRETTY, or pipe the JSON logs through `npx pino-pretty`',
        'LOG_PRETTY',
      );
    }
    return config;
  } catch (error) {
    if (error instanceof ConfigError) throw new BootError(error.message, error.variables.join(', '), { cause: error });
    // AppConfig's own parsing errors start with the variable's name.
    const named = error instanceof Error ? /^([A-Z][A-Z0-9_]{2,})\b/.exec(error.message)?.[1] : undefined;
    if (named) throw new BootError((error as Error).message, named, { cause: error });
    throw error;
  }
}

function canResolve(module: string): boolean {
  try {
    require.resolve(module);
    return true;
  } catch {
    return false;
  }
}

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const bootLog = pino(pinoOptions(config));
  bootLog.info(
    { context: 'Bootstrap', node: process.version, db: config.dbType },
    `starting the ATM server (Node ${process.version}, ${config.dbType})`,
  );
  // Imported only now: ConfigModule validates the environment as the module
  // loads, and loadConfig has just said why it would not.
  const { AppModule } = await import('./app.module');
  const { configureApp } = await import('./app.setup');
  // Nest's own JSON parser is off: app.setup.ts installs one with the 16 KiB
  // limit and problem+json errors.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    logger: new BootLogger(bootLog),
    abortOnError: false,
  });
  configureApp(app);
  const logger = app.get(Logger);
  shutDownOnSignals(app, logger, config);
  await listen(app, config);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.log(`ATM server listening on port ${port} (${config.dbType})`, 'Bootstrap');
}

/**
 * SIGTERM/SIGINT: stop accepting connections, let in-flight requests
 * finish, run the shutdown hooks (pruner, database pool), exit 0. A shutdown
 * that takes longer than SHUTDOWN_TIMEOUT_MS exits 1.
 */
function shutDownOnSignals(app: NestExpressApplication, logger: Logger, config: AppConfig): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: shutting down`, 'Bootstrap');
      setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(error, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

/**
 * Nest's app.listen logs a failure itself before rejecting; listening on
 * its HTTP server directly leaves one line, failBoot's, with the variable.
 */
async function listen(app: NestExpressApplication, config: AppConfig): Promise<void> {
  await app.init();
  const server = app.getHttpServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') throw new BootError(`port ${config.port} is already in use by another process`, 'PORT', { cause: error });
    if (code === 'EACCES') throw new BootError(`port ${config.port} needs privileges this process does not have`, 'PORT', { cause: error });
    throw error;
  }
}

/** One JSON line (whatever LOG_PRETTY says) naming the cause and the variable to fix, then exit 1. */
function failBoot(error: unknown): never {
  const known = error instanceof BootError;
  const fields = known ? { context: 'Bootstrap', variable: error.variable } : { context: 'Bootstrap', err: error };
  const cause = error instanceof Error ? error.message : String(error);
  pino({}, pino.destination({ fd: 1, sync: true })).fatal(fields, `boot failed: ${cause}`);
  process.exit(1);
}

bootstrap().catch(failBoot);
