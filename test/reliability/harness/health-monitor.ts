// Polls /healthz (readiness) and /healthz/live (liveness) side by side, so the
// outage scenario can say when readiness turned and that liveness never did.
import { setTimeout as sleep } from 'node:timers/promises';

export interface HealthSample {
  at: number;
  ready: number;
  live: number;
  readyMs: number;
  liveMs: number;
}

async function status(url: string): Promise<[number, number]> {
  const started = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return [res.status, performance.now() - started];
  } catch {
    return [0, performance.now() - started];
  }
}

export function monitorHealth(baseUrl: string, intervalMs = 200): { stop: () => Promise<HealthSample[]> } {
  const samples: HealthSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      const [[ready, readyMs], [live, liveMs]] = await Promise.all([status(`${baseUrl}/healthz`), status(`${baseUrl}/healthz/live`)]);
      samples.push({ at, ready, live, readyMs, liveMs });
      await sleep(intervalMs);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}
