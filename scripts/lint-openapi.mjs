// npm run lint:openapi: the OpenAPI document the built server serves at
// /docs-json, linted by Redocly's recommended ruleset (redocly.yaml).
// Zero errors or a non-zero exit. Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBuiltServer } from './built-server.mjs';

const server = await startBuiltServer();
const dir = mkdtempSync(join(tmpdir(), 'atm-openapi-'));
let status = 1;
try {
  const document = await (await fetch(`${server.url}/docs-json`)).json();
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(document, null, 2));
  const lint = spawnSync('npx', ['--no-install', 'redocly', 'lint', '--config', 'redocly.yaml', '--format', 'stylish', file], {
    stdio: 'inherit',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  status = lint.status ?? 1;
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
