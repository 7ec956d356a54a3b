import type { Server } from 'node:http';
import type { HttpLimits } from '../config/app-config';

/** How often Node checks open connections against headersTimeout/requestTimeout (its default, 30 s, adds up to 30 s to each). */
const CONNECTIONS_CHECK_INTERVAL_MS = 1000;

/**
 * Node's defaults let a client hold a connection sending headers for about
 * a minute and a body for 5 minutes, with no cap on connections: a few
 * hundred slow clients take the service down. Set before listen (the check
 * interval is read when the server starts listening).
 */
export function applyHttpLimits(server: Server, limits: HttpLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    CONNECTIONS_CHECK_INTERVAL_MS,
    limits.headersTimeoutMs,
  );
}
