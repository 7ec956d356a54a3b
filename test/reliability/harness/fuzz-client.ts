// A raw HTTP client for the fuzzer: node:http sends exactly the bytes, method,
// path and headers generated (fetch would normalise or refuse some of them).
import { Agent, request } from 'node:http';
import { bearer } from '../../helpers/keys';
import { FuzzRequest } from './fuzz-requests';

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  ms: number;
}

export const fuzzAgent = new Agent({ keepAlive: true, maxSockets: 1 });

/** Resolves with the reply; rejects only when the connection fails (which is itself a finding). */
export function sendRaw(port: number, req: FuzzRequest): Promise<RawReply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // Authenticated, so the fuzz reaches past the 401 into every route's own checks.
    const headers: Record<string, string> = { ...bearer(), ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(req.body.length);
    const outgoing = request(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent: fuzzAgent, timeout: 15_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 15 s')));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}
