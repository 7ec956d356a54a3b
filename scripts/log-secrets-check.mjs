// Issue 13: no API key, no key hash and no Authorization value in any log
// line at LOG_LEVEL=trace over a full e2e run. Runs the SQLite e2e project
// with every test app logging at trace (TEST_LOG_LEVEL), captures all of its
// output, and scans it for: the keys the suite uses (its admin key, the demo
// keys), any key the server made (`atmk_…`), their SHA-256 hashes, any
// 64-hex-digit string (a hash of a key the scan cannot know), and any
// `Authorization` / `Bearer` value. Exits non-zero naming each finding.
//
//   npm run check:log-secrets                 (the whole e2e-sqlite project)
//   npm run check:log-secrets -- test/auth    (some spec files only)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';

const specs = process.argv.slice(2);
const run = spawnSync(process.execPath, ['node_modules/jest/bin/jest.js', '--selectProjects', 'e2e-sqlite', '--', ...specs], {
  env: { ...process.env, TEST_LOG_LEVEL: 'trace', TEST_DATABASE_URL: '' },
  encoding: 'utf8',
  maxBuffer: 1024 * 1024 * 1024,
});
const output = `${run.stdout}\n${run.stderr}`;
const logLines = output.split('\n').filter((line) => line.startsWith('{"level":'));

const known = [
  'test-admin-key-0123456789abcdef0123456789',
  'demo-admin-key',
  'demo-teller-key',
  'demo-operator-key',
  'demo-auditor-key',
  'demo-atm-001-key',
];
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
const findings = [];
const lines = output.split('\n');
for (const [index, line] of lines.entries()) {
  const where = `output line ${index + 1}`;
  for (const key of known) {
    if (line.includes(key)) findings.push(`${where}: the key ${key}`);
    if (line.includes(sha256(key))) findings.push(`${where}: the SHA-256 of ${key}`);
  }
  if (/atmk_[A-Za-z0-9_-]{16,}/.test(line)) findings.push(`${where}: a server-made key (atmk_…)`);
  if (/(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/i.test(line)) findings.push(`${where}: a 64-hex-digit string (a hash?)`);
  if (/"authorization"\s*:|\bBearer\s+\S/i.test(line)) findings.push(`${where}: an Authorization value`);
}

const summary = /Tests:.*$/m.exec(output)?.[0] ?? 'no jest summary';
const count = (msg) => logLines.filter((line) => line.includes(`"msg":"${msg}"`)).length;
console.log(
  `e2e-sqlite at TEST_LOG_LEVEL=trace: ${summary}; ${logLines.length} log lines (${count('request completed')} request lines, ` +
    `${count('request refused before routing')} refusals before routing), ${output.length} bytes of output scanned`,
);
if (run.status !== 0) {
  console.error(output.slice(-4000));
  console.error(`jest exited with ${run.status}`);
  process.exit(1);
}
if (logLines.length === 0) {
  console.error('no log line captured: the scan would prove nothing');
  process.exit(1);
}
if (findings.length > 0) {
  for (const finding of findings.slice(0, 50)) console.error(finding);
  console.error(`${findings.length} finding(s)`);
  process.exit(1);
}
console.log('no key, key hash or Authorization value in any line');
