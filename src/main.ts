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
  // On SIGTERM Nest stops accepting connections, lets in-flight requests
  // finish and closes the database; this bounds how long that may take.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref());
  }
  await app.listen(config.port);
  app.get(Logger).log(`ATM server listening on port ${config.port} (${config.dbType})`, 'Bootstrap');
}

void bootstrap();
