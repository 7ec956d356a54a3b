// The bank workload: N clients, each looping over random deposits,
// withdrawals, transfers, ATM withdrawals, their reversals and corrections of
// teller movements, with a fresh Idempotency-Key per operation, retried with
// that key until the server answers for good.
import { Bank } from './bank-setup';
import { HttpStats, Reply, sendUntilAnswered } from './http';
import type { Op, Outcome } from './ops';
import { asRequestAmount, randomMinor } from './money';
import { ReversalPool } from './reversal-ops';

export type { Op, OpKind, Outcome } from './ops';

export interface LoadOptions {
  bank: Bank;
  clients: number;
  seconds: number;
  /** Base URL for client `i` at this moment (two instances split the clients; restarts keep the URL). */
  baseUrl: (client: number) => string;
  stats: HttpStats;
  /** How long an operation may keep retrying after the load stops (covers restarts and outages). */
  settleMs?: number;
  /** Per-attempt deadline; an attempt without an answer by then counts as a hang. */
  attemptTimeoutMs?: number;
  /** Share of operations that reverse an ATM withdrawal (half as many correct a teller movement); default 0.1. */
  reversalShare?: number;
}

export interface LoadResult {
  outcomes: Outcome[];
  seconds: number;
  /** Re-sent keys whose replay differed from the first answer. */
  replayMismatches: string[];
  /** Operations sent twice at once with the same key (to both instances when there are two). */
  racedDuplicates: number;
}

const ATM_AMOUNTS = [2000n, 4000n, 5000n, 6000n, 7500n, 8000n, 10000n, 12000n, 16000n, 26000n, 350n];
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

export function randomOp(bank: Bank, key: string, pool?: ReversalPool, reversalShare = 0.1): Op {
  // Undo something acknowledged earlier (ATM reversals, corrections), when there is something.
  const undo = Math.random();
  const reversal = undo < reversalShare ? pool?.reversal(key) : undo > 1 - reversalShare / 2 ? pool?.correction(key) : null;
  if (reversal) return reversal;
  const roll = Math.random();
  const account = pick(bank.accounts).number;
  if (roll < 0.3) return teller('deposit', key, account, randomMinor(100, 30_000));
  if (roll < 0.5) return teller('withdraw', key, account, randomMinor(100, 15_000));
  if (roll < 0.8 || bank.machines.length === 0) {
    // 2% name the same account twice: a refusal (422 SAME_ACCOUNT) under load.
    const to = Math.random() < 0.02 ? account : pick(bank.accounts.filter((a) => a.number !== account)).number;
    const amount = randomMinor(100, 20_000);
    const body = { from_account: account, to_account: to, amount: asRequestAmount(amount), reference: key };
    return { kind: 'transfer', key, account, to, amount, request: { method: 'POST', path: '/transfers', key, body } };
  }
  const machine = pick(bank.machines).id;
  const amount = pick(ATM_AMOUNTS);
  const body = { account_number: account, amount: asRequestAmount(amount) };
  return { kind: 'atm', key, account, machine, amount, request: { method: 'POST', path: `/machines/${machine}/withdrawals`, key, body } };
}

function teller(kind: 'deposit' | 'withdraw', key: string, account: string, amount: bigint): Op {
  const body = { amount: asRequestAmount(amount), reference: key };
  return { kind, key, account, amount, request: { method: 'POST', path: `/accounts/${account}/${kind}`, key, body } };
}

export async function runBankLoad(options: LoadOptions): Promise<LoadResult> {
  const started = Date.now();
  const stopAt = started + options.seconds * 1000;
  const deadline = stopAt + (options.settleMs ?? 60_000);
  const outcomes: Outcome[] = [];
  const replayMismatches: string[] = [];
  let sequence = 0;
  let racedDuplicates = 0;
  const pool = new ReversalPool();
  const client = async (index: number) => {
    while (Date.now() < stopAt) {
      sequence += 1;
      const op = randomOp(options.bank, `${options.bank.runId}-op-${sequence}`, pool, options.reversalShare);
      const url = () => options.baseUrl(index);
      const send = (to: () => string) => sendUntilAnswered(to, op.request, options.stats, deadline, options.attemptTimeoutMs);
      if (Math.random() < 0.05) {
        // A client that gave up waiting and retried while the first attempt still
        // runs: both copies race, both must get the one answer.
        racedDuplicates += 1;
        const [reply, twin] = await Promise.all([send(url), send(() => options.baseUrl(index + 1))]);
        outcomes.push({ op, reply });
        pool.record({ op, reply });
        compareAnswers(op, reply, twin, replayMismatches);
        continue;
      }
      const reply = await send(url);
      outcomes.push({ op, reply });
      pool.record({ op, reply });
      if (Math.random() < 0.03) compareAnswers(op, reply, await send(url), replayMismatches);
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  return { outcomes, seconds: (Math.min(Date.now(), stopAt) - started) / 1000, replayMismatches, racedDuplicates };
}

/** Two answers to one key: the same status and body, the later one flagged as a replay, nothing applied twice. */
function compareAnswers(op: Op, first: Reply, again: Reply, mismatches: string[]): void {
  const same = again.status === first.status && JSON.stringify(again.body) === JSON.stringify(first.body);
  if (!same || !(first.replayed || again.replayed)) {
    mismatches.push(
      `${op.key}: ${first.status} replayed=${first.replayed} ${JSON.stringify(first.body)} vs ${again.status} replayed=${again.replayed} ${JSON.stringify(again.body)}`,
    );
  }
}

/** "812 deposit, 540 withdraw, …; 97 refused (4xx); 61 raced duplicates" for the figures. */
export function describeOutcomes(load: LoadResult): string {
  const counts = new Map<string, number>();
  for (const o of load.outcomes) counts.set(o.op.kind, (counts.get(o.op.kind) ?? 0) + 1);
  const refused = load.outcomes.filter((o) => o.reply.status >= 400).length;
  return `${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ')}; ${refused} refused (4xx); ${load.racedDuplicates} raced duplicate keys`;
}
