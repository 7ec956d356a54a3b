import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { AppConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  // Nest's own JSON parser is off: app.setup.ts installs one with the 16 KiB
  // limit and problem+json errors.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, bufferLogs: true });
  configureApp(app);
  const config = app.get(AppConfig);
  // SIGTERM/SIGINT: stop accepting connections, let in-flight requests
  // finish, run the shutdown hooks (pruner, database pool), exit 0. A
  // shutdown that takes longer than SHUTDOWN_TIMEOUT_MS exits 1.
  const logger = app.get(Logger);
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
  await app.listen(config.port);
  logger.log(`ATM server listening on port ${config.port} (${config.dbType})`, 'Bootstrap');
}

void bootstrap();
