// Command-line options of `npm run bench` / `npm run bench:quick`.
import { ScenarioName } from './scenarios';

export type DbKind = 'postgres' | 'sqlite';

export interface BenchOptions {
  quick: boolean;
  databases: DbKind[];
  /** Scenarios to run; all when not given. pgbench is its own switch. */
  only: ScenarioName[] | null;
  pgbench: Array<'simple' | 'prepared'>;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** Ledger size of the second history measurement. */
  largeLedgerRows: number;
  /** Replace the generated block of bench/RESULTS.md. */
  report: boolean;
  build: boolean;
  /** Build a committed tree (git archive <ref>: --from-head is HEAD, --ref=<commit> any) instead of the working tree. */
  fromRef: string | null;
  /** Extra server environment, e.g. --env DB_POOL_SIZE=32. */
  serverEnv: Record<string, string>;
  /** Extra node flags for the server, e.g. --node-arg=--cpu-prof. */
  nodeArgs: string[];
  /** CPU-profile the server: one .cpuprofile per measured period in bench/tmp/prof. */
  profile: boolean;
  label: string;
  /** Another server entry point (experiments, e.g. a cluster launcher); the build still runs. */
  main: string | null;
}

export function parseOptions(argv: string[]): BenchOptions {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const values = (name: string) => argv.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
  const quick = argv.includes('--quick');
  const serverEnv: Record<string, string> = {};
  for (const pair of values('env')) {
    const at = pair.indexOf('=');
    serverEnv[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const pgbench = value('pgbench') ?? (quick ? 'prepared' : 'simple,prepared');
  return {
    quick,
    databases: (value('db') ?? 'postgres,sqlite').split(',') as DbKind[],
    only: value('only') ? ((value('only') as string).split(',') as ScenarioName[]) : null,
    pgbench: pgbench === 'none' ? [] : (pgbench.split(',') as Array<'simple' | 'prepared'>),
    connections: Number(value('connections') ?? 64),
    warmupSeconds: Number(value('warmup') ?? (quick ? 1 : 3)),
    seconds: Number(value('seconds') ?? (quick ? 3 : 10)),
    largeLedgerRows: Number(value('large-ledger') ?? (quick ? 100_000 : 1_000_000)),
    report: argv.includes('--report'),
    build: !argv.includes('--no-build'),
    fromRef: value('ref') ?? (argv.includes('--from-head') ? 'HEAD' : null),
    serverEnv,
    nodeArgs: argv.includes('--profile') ? ['-r', `${__dirname}/cpu-profile.cjs`, ...values('node-arg')] : values('node-arg'),
    profile: argv.includes('--profile'),
    label: value('label') ?? (quick ? 'quick' : 'full'),
    main: value('main') ?? null,
  };
}
