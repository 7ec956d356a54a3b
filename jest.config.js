// Unit specs live next to the code; e2e specs boot the real app on a real
// database. The e2e specs run on SQLite always and again on Postgres when
// TEST_DATABASE_URL is set (CI sets it and refuses to run without it).
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
const base = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
};
const e2e = {
  ...base,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
};

const projects = [
  { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
  { ...e2e, displayName: 'e2e-sqlite', setupFiles: ['<rootDir>/test/setup/sqlite.env.ts'] },
];
if (process.env.TEST_DATABASE_URL) {
  projects.push({
    ...e2e,
    displayName: 'e2e-postgres',
    globalSetup: '<rootDir>/test/setup/postgres.global-setup.ts',
    globalTeardown: '<rootDir>/test/setup/postgres.global-teardown.ts',
    setupFiles: ['<rootDir>/test/setup/postgres.env.ts'],
  });
}

module.exports = { projects, maxWorkers: 2, testTimeout: 60000 };
