// The end of every bank-style scenario: read the cassettes through the API,
// stop the servers, read the database directly and run every invariant.
import { Bank } from './bank-setup';
import { LoadResult } from './bank-load';
import { checkAccounts, checkAnswers, Inventory } from './bank-invariants';
import { Checks } from './checks';
import { TestDatabase } from './databases';
import { checkCassettes, checkExactlyOnce } from './exactly-once';
import { HttpStats, newStats, sendUntilAnswered } from './http';
import { readAccounts, readLedger } from './ledger-rows';
import { toMinor } from './money';
import { ServerProcess } from './server-process';

export async function readInventory(baseUrl: string, bank: Bank): Promise<Inventory> {
  const inventory: Inventory = new Map();
  for (const machine of bank.machines) {
    const reply = await sendUntilAnswered(
      () => baseUrl,
      { method: 'GET', path: `/machines/${machine.id}/inventory` },
      newStats(),
      Date.now() + 30_000,
    );
    const cassettes = (reply.body as { cassettes?: Array<{ denomination: string; count: number }> }).cassettes ?? [];
    inventory.set(machine.id, new Map(cassettes.map((c) => [toMinor(c.denomination), BigInt(c.count)])));
  }
  return inventory;
}

export interface VerifyOptions {
  bank: Bank;
  load: LoadResult;
  stats: HttpStats;
  db: TestDatabase;
  servers: ServerProcess[];
  /** The outage scenario expects 503s; every other one expects no 5xx at all. */
  allowUnavailable?: boolean;
}

export async function verifyBank(options: VerifyOptions): Promise<Checks> {
  const { bank, load, stats, db } = options;
  const checks = new Checks();
  const inventory = await readInventory(options.servers[0].url, bank);
  for (const server of options.servers) await server.stop();
  const [accounts, ledger] = [await readAccounts(db), await readLedger(db)];
  checkAnswers(bank, load.outcomes, checks);
  checkAccounts(bank, load.outcomes, accounts, ledger, checks);
  checkExactlyOnce(bank, load.outcomes, ledger, checks);
  checkCassettes(bank, load.outcomes, ledger, inventory, checks);
  checks.check(stats.fiveHundreds === 0, () => `${stats.fiveHundreds} responses 500/5xx: ${stats.serverErrors.join(' | ')}`);
  if (!options.allowUnavailable) checks.equal(stats.serviceUnavailable, 0, '503 responses');
  checks.check(
    stats.badProblems.length === 0,
    () => `error answers that are not problem+json with a catalogued code: ${stats.badProblems.join(' | ')}`,
  );
  checks.equal(stats.timeouts, 0, 'attempts left without an answer (hangs)');
  checks.check(load.replayMismatches.length === 0, () => `replays differ: ${load.replayMismatches.slice(0, 5).join(' | ')}`);
  checks.equal(await db.integrity(), 'ok', 'database integrity check');
  return checks;
}
