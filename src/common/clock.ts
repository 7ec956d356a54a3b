import { Global, Injectable, Module } from '@nestjs/common';

/**
 * Where time comes from: every stored time and the daily limit's UTC day.
 * Injected, so a test can stand at 23:59:59.999 and step past midnight.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  /** ISO 8601 UTC with milliseconds, the form every stored and returned time takes. */
  nowIso(): string {
    return this.now().toISOString();
  }
}

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}

/** The UTC calendar day (`YYYY-MM-DD`) that daily limits count in. */
export function utcDay(iso: string): string {
  return iso.slice(0, 10);
}
