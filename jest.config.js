// Unit specs live next to the code; e2e specs boot the real app on a real
// database. The e2e specs run on SQLite always and again on Postgres when
// TEST_DATABASE_URL is set (CI sets it and refuses to run without it).
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
// The OpenAPI specs read /docs-json, which must be what `nest build` serves:
// they compile with the Swagger CLI plugin as a transformer, over a full
// program (the plugin needs the type checker; isolatedModules gives none).
// That costs seconds per file, so only they pay it; the document does not
// depend on the database, so they run on SQLite only.
const tsJestOpenApi = [
  'ts-jest',
  {
    tsconfig: { isolatedModules: false },
    diagnostics: false,
    astTransformers: { before: ['<rootDir>/test/setup/swagger-plugin.transformer.js'] },
  },
];
const base = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
};
const OPENAPI_SPECS = '<rootDir>/test/openapi*.e2e-spec.ts';
const e2e = {
  ...base,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/openapi[^/]*\\.e2e-spec\\.ts$'],
};

const projects = [
  { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
  { ...e2e, displayName: 'e2e-sqlite', setupFiles: ['<rootDir>/test/setup/sqlite.env.ts'] },
  {
    ...base,
    displayName: 'openapi',
    transform: { '^.+\\.ts$': tsJestOpenApi },
    testMatch: [OPENAPI_SPECS],
    setupFiles: ['<rootDir>/test/setup/sqlite.env.ts'],
  },
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
