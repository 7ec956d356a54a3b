// Starts the compiled server (dist/, as `npm run build` leaves it) on a free
// loopback port with a fresh SQLite file and demo data, for the checks that
// need the real artifact: the OpenAPI lint and the browser check.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startBuiltServer(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'atm-built-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      DB_TYPE: 'sqlite',
      SQLITE_PATH: join(dir, 'atm.sqlite'),
      SEED_DEMO_DATA: 'true',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let waited = 0; ; waited += 200) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before answering`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, stop };
    if (waited > 30000) {
      await stop();
      throw new Error('the server did not answer /healthz within 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
