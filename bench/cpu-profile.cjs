// Preload for profiling the server under load without --cpu-prof (which only
// writes on a clean exit, and Nest re-raises SIGTERM): `npm run bench --
// --profile`. Profiling starts at boot; SIGWINCH (Nest's shutdown hooks own
// SIGUSR2 and the inspector SIGUSR1) writes bench/tmp/prof/server-<pid>-<n>.cpuprofile and starts a fresh one.
'use strict';
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = join(__dirname, 'tmp', 'prof');
const session = new Session();
session.connect();
let n = 0;
const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));

post('Profiler.enable')
  .then(() => post('Profiler.setSamplingInterval', { interval: 200 }))
  .then(() => post('Profiler.start'));

process.on('SIGWINCH', async () => {
  const { profile } = await post('Profiler.stop');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `server-${process.pid}-${(n += 1)}.cpuprofile`), JSON.stringify(profile));
  await post('Profiler.start');
});
