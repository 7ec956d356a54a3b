// HTTP as the teller and ATM front-ends do it: Node's fetch (undici, keep-alive),
// a deadline per attempt, and retries of timeouts, connection errors, 5xx and
// 409 IDEMPOTENCY_IN_PROGRESS with the SAME Idempotency-Key until the server
// gives a final answer.
import { setTimeout as sleep } from 'node:timers/promises';
import { ProblemCode, PROBLEMS } from '../../../src/common/problems';
import { bearer } from '../../helpers/keys';

export interface Reply {
  status: number;
  body: unknown;
  contentType: string;
  replayed: boolean;
  ms: number;
  /** When the answer arrived (epoch ms). */
  at: number;
}

export interface Request {
  method: string;
  path: string;
  body?: unknown;
  key?: string;
}

export interface HttpStats {
  attempts: number;
  retries: number;
  networkErrors: number;
  fiveHundreds: number;
  serviceUnavailable: number;
  inProgress: number;
  replays: number;
  /** Attempts that got no answer within ATTEMPT_TIMEOUT_MS: a hang. */
  timeouts: number;
  slowestMs: number;
  /** Bodies of 500s and other non-503 5xx: each one is a product bug. */
  serverErrors: string[];
  /** Error answers that are not problem+json with a catalogued code. */
  badProblems: string[];
}

export const newStats = (): HttpStats => ({
  attempts: 0,
  retries: 0,
  networkErrors: 0,
  fiveHundreds: 0,
  serviceUnavailable: 0,
  inProgress: 0,
  replays: 0,
  timeouts: 0,
  slowestMs: 0,
  serverErrors: [],
  badProblems: [],
});

const ATTEMPT_TIMEOUT_MS = Number(process.env.RELIABILITY_ATTEMPT_TIMEOUT_MS ?? 10_000);

/** One attempt; throws on a connection error or timeout. */
export async function send(baseUrl: string, req: Request, timeoutMs = ATTEMPT_TIMEOUT_MS): Promise<Reply> {
  // As a real teller desk or ATM: every request carries its client's key.
  const headers: Record<string, string> = { ...bearer() };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  if (req.key !== undefined) headers['idempotency-key'] = req.key;
  const started = performance.now();
  const res = await fetch(baseUrl + req.path, {
    method: req.method,
    headers,
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  let body: unknown = text;
  if (/json/.test(contentType) && text !== '') body = JSON.parse(text);
  const replayed = res.headers.get('idempotent-replayed') === 'true';
  return { status: res.status, body, contentType, replayed, ms: performance.now() - started, at: Date.now() };
}

function mustRetry(reply: Reply): boolean {
  if (reply.status >= 500) return true;
  return reply.status === 409 && (reply.body as { code?: string } | null)?.code === 'IDEMPOTENCY_IN_PROGRESS';
}

function count(stats: HttpStats, reply: Reply): void {
  if (reply.replayed) stats.replays += 1;
  stats.slowestMs = Math.max(stats.slowestMs, reply.ms);
  const code = (reply.body as { code?: unknown } | null)?.code;
  const wellFormed =
    reply.contentType.startsWith('application/problem+json') &&
    typeof code === 'string' &&
    code in PROBLEMS &&
    PROBLEMS[code as ProblemCode].status === reply.status;
  if (reply.status >= 400 && !wellFormed && stats.badProblems.length < 20) {
    stats.badProblems.push(`${reply.status} ${reply.contentType} ${JSON.stringify(reply.body)}`);
  }
  if (reply.status === 503) stats.serviceUnavailable += 1;
  else if (reply.status >= 500) {
    stats.fiveHundreds += 1;
    if (stats.serverErrors.length < 20) stats.serverErrors.push(`${reply.status} ${JSON.stringify(reply.body)}`);
  } else if (reply.status === 409) stats.inProgress += 1;
}

/**
 * Sends until the server gives a final answer (2xx or a 4xx refusal other than
 * IDEMPOTENCY_IN_PROGRESS); `baseUrl` is asked again on every attempt so a
 * client can follow a restarted server. Gives up only at `deadline`.
 */
export async function sendUntilAnswered(
  baseUrl: () => string,
  req: Request,
  stats: HttpStats,
  deadline: number,
  timeoutMs = ATTEMPT_TIMEOUT_MS,
): Promise<Reply> {
  let last = 'nothing sent';
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      stats.retries += 1;
      await sleep(Math.min(25 * 2 ** Math.min(attempt, 6), 1000) * (0.5 + Math.random()));
    }
    if (Date.now() > deadline) {
      throw new Error(
        `no final answer for ${req.method} ${req.path} (key ${req.key}) before the deadline after ${attempt} attempts; last: ${last}`,
      );
    }
    stats.attempts += 1;
    let reply: Reply;
    try {
      reply = await send(baseUrl(), req, timeoutMs);
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') stats.timeouts += 1;
      else stats.networkErrors += 1;
      last = `${(error as Error).name}: ${(error as Error).message}`;
      continue;
    }
    last = `${reply.status} after ${Math.round(reply.ms)} ms ${JSON.stringify(reply.body).slice(0, 300)}`;
    count(stats, reply);
    if (!mustRetry(reply)) return reply;
  }
}
