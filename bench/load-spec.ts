/** What the orchestrator asks the load driver to do (passed as a JSON file). */
export interface LoadSpec {
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  method: 'GET' | 'POST';
  /** One is picked at random for every request. */
  paths: string[];
  /** JSON bodies, one picked at random for every request (none for GET). */
  bodies?: string[];
  /** A fresh Idempotency-Key on every request. */
  idempotencyKeys?: boolean;
  /** The client's API key, sent as `Authorization: Bearer` on every request (none: no header). */
  apiKey?: string;
}

/** What the driver measured, after the warm-up. */
export interface LoadResult {
  seconds: number;
  responses: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  statusCounts: Record<string, number>;
  connectionErrors: number;
  timeouts: number;
}
