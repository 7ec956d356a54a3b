// Reversals in the bank workload: acknowledged ATM withdrawals and teller
// movements go into a pool; later operations reverse them (an ATM reporting a
// partial or failed dispense) or correct them (an admin undoing a teller
// entry). Now and then a second reversal of the same row races the first:
// exactly one of them may apply.
import type { Op, Outcome } from './ops';
import { toMinor } from './money';

type Pieces = Array<{ denomination: string; count: number }>;

interface AtmCandidate {
  id: number;
  account: string;
  machine: string;
  amount: bigint;
  dispensed: Pieces;
}

interface TellerCandidate {
  id: number;
  account: string;
  /** The signed change the movement made; a correction makes its negation. */
  delta: bigint;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const takeRandom = <T>(items: T[]): T => items.splice(Math.floor(Math.random() * items.length), 1)[0];
const valueOf = (pieces: Pieces) => pieces.reduce((sum, p) => sum + toMinor(p.denomination) * BigInt(p.count), 0n);

/** Rows the workload may undo, and rows already drawn once (a second attempt must be refused). */
export class ReversalPool {
  private readonly atm: AtmCandidate[] = [];
  private readonly teller: TellerCandidate[] = [];
  private readonly drawnAtm: AtmCandidate[] = [];
  private readonly drawnTeller: TellerCandidate[] = [];

  /** Remembers an acknowledged ATM withdrawal or teller movement as something to undo later. */
  record({ op, reply }: Outcome): void {
    if (reply.status >= 300) return;
    const body = reply.body as { transaction_id?: number; dispensed?: Pieces };
    if (op.kind === 'atm' && body.transaction_id !== undefined && op.machine) {
      this.atm.push({
        id: body.transaction_id,
        account: op.account,
        machine: op.machine,
        amount: op.amount,
        dispensed: body.dispensed ?? [],
      });
    } else if ((op.kind === 'deposit' || op.kind === 'withdraw') && body.transaction_id !== undefined) {
      this.teller.push({ id: body.transaction_id, account: op.account, delta: op.kind === 'deposit' ? op.amount : -op.amount });
    }
  }

  /** An ATM reversal of a pooled withdrawal (one time in five, of one already reversed or being reversed), or null. */
  reversal(key: string): Op | null {
    const again = Math.random() < 0.2 && this.drawnAtm.length > 0;
    if (!again && this.atm.length === 0) return null;
    const target = again ? pick(this.drawnAtm) : takeRandom(this.atm);
    if (!again) this.drawnAtm.push(target);
    const dispensed = partOf(target.dispensed);
    const credit = target.amount - valueOf(dispensed);
    const body = { dispensed, reason: key };
    return {
      kind: 'reversal',
      key,
      account: target.account,
      machine: target.machine,
      amount: credit,
      delta: credit,
      target: target.id,
      request: { method: 'POST', path: `/machines/${target.machine}/withdrawals/${target.id}/reversal`, key, body },
    };
  }

  /** A correction of a pooled teller movement (sometimes of one already drawn), or null. */
  correction(key: string): Op | null {
    const again = Math.random() < 0.2 && this.drawnTeller.length > 0;
    if (!again && this.teller.length === 0) return null;
    const target = again ? pick(this.drawnTeller) : takeRandom(this.teller);
    if (!again) this.drawnTeller.push(target);
    return {
      kind: 'correction',
      key,
      account: target.account,
      amount: target.delta < 0n ? -target.delta : target.delta,
      delta: -target.delta,
      target: target.id,
      request: { method: 'POST', path: `/transactions/${target.id}/reversal`, key, body: { reason: key } },
    };
  }
}

/** A random part of what was dispensed that is not all of it (a jam part way through), often nothing. */
function partOf(dispensed: Pieces): Pieces {
  if (Math.random() < 0.4) return [];
  const part = dispensed.map((p) => ({ denomination: p.denomination, count: Math.floor(Math.random() * (p.count + 1)) }));
  const all = part.every((p, i) => p.count === dispensed[i].count);
  return all ? [] : part.filter((p) => p.count > 0 || Math.random() < 0.3);
}
