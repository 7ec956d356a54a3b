// One fuzzing session against a listening app: sends each generated request,
// judges the answer, and checks that a refused request left the database as
// it was. Failures are kept once per (method, route shape, fault) signature.
import { DbKind } from './env';
import { diffSnapshots, listTables, Snapshot, takeSnapshot } from './db-snapshot';
import { sendRaw } from './fuzz-client';
import { judge } from './fuzz-oracle';
import { FuzzRequest } from './fuzz-requests';

type Sql = <T = Record<string, unknown>>(query: string) => Promise<T[]>;

const describeRequest = (req: FuzzRequest) =>
  `${req.method} ${req.path} ${JSON.stringify(req.headers)} ${req.body === undefined ? '(no body)' : JSON.stringify(req.body.toString('utf8').slice(0, 300))}`;

export class FuzzSession {
  readonly failures = new Map<string, string>();
  readonly statuses = new Map<number, number>();
  sent = 0;
  /** One per answer that passed the oracle, one per refusal that changed nothing. */
  checksPassed = 0;
  private state: Snapshot = new Map();
  private tables: string[] = [];

  constructor(
    private readonly port: number,
    private readonly sql: Sql,
  ) {}

  async start(kind: DbKind): Promise<void> {
    this.tables = await listTables(this.sql, kind);
    this.state = await takeSnapshot(this.sql, this.tables);
  }

  async probe(req: FuzzRequest): Promise<void> {
    this.sent += 1;
    let faults: string[];
    let status = 0;
    try {
      const reply = await sendRaw(this.port, req);
      status = reply.status;
      faults = judge(req, reply).map((fault) => `${fault} — body ${reply.text.slice(0, 200)}`);
    } catch (error) {
      faults = [`no answer: ${(error as Error).message}`];
    }
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (faults.length === 0) this.checksPassed += 1;
    const after = await takeSnapshot(this.sql, this.tables);
    if (status >= 400 || status === 0) {
      const changes = diffSnapshots(this.state, after).map((d) => `refused (${status}) yet changed ${d}`);
      if (changes.length === 0) this.checksPassed += 1;
      faults.push(...changes);
    }
    this.state = after;
    for (const fault of faults) {
      const signature = `${req.method} ${req.path.split('?')[0].replace(/\/[^/]+/g, '/*')} ${fault.slice(0, 60)}`;
      if (!this.failures.has(signature)) this.failures.set(signature, `${fault}\n    request: ${describeRequest(req)}`);
    }
  }

  /** "200×830 400×1241 …" */
  spread(): string {
    return [...this.statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
  }
}
