// The reliability suite (test/reliability, issue 5): real server processes,
// SIGKILLs, two instances, a database outage and hostile-input fuzzing on
// SQLite and Postgres. Slow by design, so `npm test` does not run it:
// `npm run test:reliability` (RELIABILITY_DB=sqlite|postgres runs one database).
module.exports = {
  displayName: 'reliability',
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/reliability/**/*.reliability-spec.ts'],
  globalSetup: '<rootDir>/test/reliability/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/reliability/harness/global-teardown.ts',
  // One scenario at a time: they measure throughput and share a 2-core machine.
  maxWorkers: 1,
  testTimeout: 240000,
};
