// @ts-check
// The module arrows of the README's layout section (STYLE.md "Dependencies
// point one way"), checked by `npm run lint`. To add a feature folder under
// src/, add one line to FEATURES naming the feature folders it may import;
// the shared folders are open to every feature. A folder missing from both
// lists fails the check, so no new module goes unplaced.

/** Feature folder → the feature folders it may import (never the reverse). */
const FEATURES = {
  auth: [], // guards and role decorators: any controller may carry them
  audit: ['auth'],
  clients: ['audit', 'auth', 'machines'],
  health: ['auth'],
  idempotency: ['auth'],
  'rate-limit': ['auth'],
  ledger: ['auth', 'idempotency'], // idempotency: a keyed one-account movement writes its key in its own statement
  accounts: ['audit', 'auth', 'idempotency', 'ledger'],
  machines: ['audit', 'auth', 'ledger', 'metrics'], // metrics: its cassette gauges
  metrics: ['auth'],
  reconciliation: ['auth'],
  reversals: ['auth', 'ledger', 'machines'], // machines: MachinesService (404 MACHINE_NOT_FOUND), the dispensed view
};

/** Below every feature: any feature may import them, they import no feature. */
const SHARED = ['common', 'config', 'database'];

const KNOWN = [...SHARED, ...Object.keys(FEATURES)];
const any = (names) => names.join('|');

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const featureArrows = Object.entries(FEATURES).map(([feature, allowed]) => ({
  name: `arrows-from-${feature}`,
  comment: `src/${feature} may import ${[...allowed, ...SHARED].join(', ')} only (.dependency-cruiser.cjs FEATURES)`,
  severity: 'error',
  from: { path: `^src/${feature}/` },
  to: { path: '^src/[^/]+/', pathNot: `^src/(${any([feature, ...allowed, ...SHARED])})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...featureArrows,
    {
      name: 'no-circular',
      comment: 'No cycles: if one seems needed, the use case lives in the wrong module.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-imports-no-feature',
      comment: `${SHARED.join(', ')} sit below every feature and import none.`,
      severity: 'error',
      from: { path: `^src/(${any(SHARED)})/` },
      to: { path: '^src/', pathNot: `^src/(${any(SHARED)})/` },
    },
    {
      name: 'unplaced-folder',
      comment: 'A src/ folder that is in neither FEATURES nor SHARED of .dependency-cruiser.cjs: add it there.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: `^src/(${any(KNOWN)})/` },
      to: {},
    },
    {
      name: 'app-root-imported-by-none',
      comment: 'The bootstrap files at the top of src/ (app.module, main, setup) import features, never the reverse.',
      severity: 'error',
      // A command-line entry point (*.cli.ts) boots the app like main.ts does.
      from: { path: '^src/[^/]+/', pathNot: '\\.cli\\.ts$' },
      to: { path: '^src/[^/]+\\.ts$' },
    },
    {
      name: 'no-repository-across-features',
      comment: 'A module exports services, never repositories: another feature does not import them.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/.*\\.repository\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'src-not-on-tests',
      comment: 'Tests and benchmarks may import src/; src/ never imports them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'migrations-stand-alone',
      comment: 'A migration is frozen at its date: it must not follow entities or code that change later.',
      severity: 'error',
      from: { path: '^migrations/' },
      to: { path: '^(src|test|bench)/' },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that resolves to nothing (or a package not in package.json).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|data|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve as tsc does (moduleResolution node: no package `exports`), so type-only deep imports resolve.
    enhancedResolveOptions: { exportsFields: [], extensions: ['.ts', '.d.ts', '.js', '.json'] },
    skipAnalysisNotInRules: true,
  },
};
