import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

// Nest logs a failing boot itself (ExceptionHandler) and TypeORM's module
// its last connection attempt; main.ts writes the one line that names the
// cause and the variable, so these would only say it twice, as stack dumps.
const REPEATS_THE_FAILURE = new Set(['ExceptionHandler', 'TypeOrmModule']);

/**
 * Nest's logger until the app's own (nestjs-pino) takes over in
 * configureApp: boot progress as JSON lines, written as it happens rather
 * than buffered until the app is up (or never, when it fails).
 */
export class BootLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    if (REPEATS_THE_FAILURE.has(String(rest.at(-1)))) return;
    this.write('error', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    if (message instanceof Error) this.pino[level]({ context, err: message }, message.message);
    else this.pino[level]({ context }, String(message));
  }
}
