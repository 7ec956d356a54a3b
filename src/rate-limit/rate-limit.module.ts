import { Module } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';

const MINUTE_MS = 60_000;

/**
 * `RATE_LIMIT_PER_MINUTE` requests per client per minute (API.md: 429
 * RATE_LIMITED, off unless configured). @nestjs/throttler counts them in
 * memory, per instance; the client is the authenticated client (its id), or
 * the source address Express reports on a route without a key (`TRUST_PROXY`
 * decides whether X-Forwarded-For counts). Health probes are
 * never limited. The guard is installed only when a limit is set (see
 * app.setup.ts), so an unlimited deployment pays nothing per request.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ ttl: MINUTE_MS, limit: Math.max(1, config.rateLimitPerMinute) }],
        // The authenticated client (API.md v1.2: the limit counts per client); its
        // address only where no key is needed (open routes).
        getTracker: (req: { ip?: string; res?: { locals?: { actor?: string } } }) => {
          const actor = req.res?.locals?.actor;
          return actor ? `client:${actor}` : `ip:${req.ip ?? ''}`;
        },
        // One budget per client across all routes (the library's default is one per route).
        generateKey: (_context, tracker, throttler) => `${throttler}:${tracker}`,
        errorMessage: `More than ${config.rateLimitPerMinute} requests in a minute from this client; retry after Retry-After seconds`,
      }),
    }),
  ],
  providers: [ThrottlerGuard],
  exports: [ThrottlerGuard],
})
export class RateLimitModule {}
