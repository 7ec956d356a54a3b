// `npx ts-node --transpile-only bench/metrics-overhead.ts`: the CPU the HTTP
// metrics add to one request, measured alone (a busy shared host drowns a
// ~1 % difference in an end-to-end A/B). Drives the real middleware and
// MetricsService with minimal request/response stand-ins: a GET, and a POST
// withdrawal whose JSON body is kept and counted as a money movement.
import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { TransactionRunner } from '../src/database/transaction-runner';
import { httpMetrics } from '../src/metrics/http-metrics.middleware';
import { MetricsService } from '../src/metrics/metrics.service';

const metrics = new MetricsService({ poolStats: () => ({ inUse: 0, waiting: 0 }) } as unknown as TransactionRunner);
const middleware = httpMetrics(metrics);
const next: NextFunction = () => undefined;

function request(method: string, path: string, body: unknown): void {
  const res = Object.assign(new EventEmitter(), {
    statusCode: 200,
    getHeader: () => undefined,
    json(this: unknown) {
      return this;
    },
  });
  const req = { method, route: undefined as unknown };
  middleware(req as unknown as Request, res as unknown as Response, next);
  req.route = { path };
  (res as unknown as Response).json(body);
  res.emit('finish');
}

function perRequest(label: string, run: () => void): void {
  for (let i = 0; i < 50_000; i++) run(); // warm-up
  const n = 500_000;
  // CPU time, not wall time: on a busy shared host the wall clock mostly measures the wait for a core.
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) run();
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${label}: ${((used.user + used.system) / n).toFixed(2)} µs of CPU per request\n`);
}

const body = { account_number: '1001', balance: '440.00', amount: '60.00', transaction_id: 42 };
perRequest('GET /accounts/:n', () => request('GET', '/accounts/:n', undefined));
perRequest('POST /accounts/:n/withdraw (counted as a movement)', () => request('POST', '/accounts/:n/withdraw', body));
perRequest('stand-ins alone (no metrics)', () => {
  const res = Object.assign(new EventEmitter(), { statusCode: 200 });
  res.once('finish', () => undefined);
  res.emit('finish');
});
