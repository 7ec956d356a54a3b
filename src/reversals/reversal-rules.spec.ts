import fc from 'fast-check';
import { DomainError } from '../common/domain-error';
import { CassetteStock, planDispense } from '../machines/dispense-plan';
import { checkAtmReversal, correctionLegs, Pieces, planAtmReversal, ReversibleRow, valueOf } from './reversal-rules';

const d = (text: string) => BigInt(Math.round(Number(text) * 100));

/** An ATM withdrawal row that took `pieces` out of machine m1. */
function withdrawal(pieces: Array<[string, number]>, extra: Partial<ReversibleRow> = {}): ReversibleRow {
  const cash = pieces.map(([denomination, count]) => ({ denomination: d(denomination), count: -count }));
  return {
    id: 7,
    type: 'atm_withdrawal',
    accountNumber: '1001',
    machineId: 'm1',
    amount: cash.reduce((sum, c) => sum + c.denomination * BigInt(c.count), 0n),
    cash,
    transferId: null,
    createdAt: '2026-11-21T10:00:00.000Z',
    reversedBy: null,
    ...extra,
  };
}

const pieces = (list: Array<[string, number]>): Pieces[] => list.map(([denomination, count]) => ({ denomination: d(denomination), count }));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}

describe('planAtmReversal', () => {
  const w = withdrawal([
    ['50.00', 1],
    ['20.00', 3],
    ['1.00', 2],
  ]);

  it('nothing dispensed: the whole amount and every piece go back', () => {
    expect(planAtmReversal(w, [])).toEqual({
      credit: 11200n,
      returned: pieces([
        ['50.00', 1],
        ['20.00', 3],
        ['1.00', 2],
      ]),
    });
  });

  it('a partial dispense across denominations credits the rest and returns the other pieces', () => {
    const plan = planAtmReversal(
      w,
      pieces([
        ['20.00', 2],
        ['1.00', 2],
      ]),
    );
    expect(plan).toEqual({
      credit: 7000n,
      returned: pieces([
        ['50.00', 1],
        ['20.00', 1],
      ]),
    });
  });

  it('a reported count of 0 is nothing handed out', () => {
    expect(planAtmReversal(w, pieces([['50.00', 0]])).credit).toBe(11200n);
  });

  it('refuses a count above what was dispensed of that denomination', () => {
    expect(codeOf(() => planAtmReversal(w, pieces([['20.00', 4]])))).toBe('INVALID_REVERSAL');
  });

  it('refuses a denomination the withdrawal did not dispense (it counts as 0)', () => {
    expect(codeOf(() => planAtmReversal(w, pieces([['10.00', 1]])))).toBe('INVALID_REVERSAL');
    expect(codeOf(() => planAtmReversal(w, pieces([['10.00', 0]])))).toBeUndefined();
  });

  it('refuses dispensed equal to the whole withdrawal: nothing failed', () => {
    expect(
      codeOf(() =>
        planAtmReversal(
          w,
          pieces([
            ['50.00', 1],
            ['20.00', 3],
            ['1.00', 2],
          ]),
        ),
      ),
    ).toBe('INVALID_REVERSAL');
  });
});

describe('checkAtmReversal', () => {
  const window = { seconds: 86400, now: '2026-11-21T12:00:00.000Z' };

  it('refuses in the contract order: 409 ALREADY_REVERSED before 422s', () => {
    const reversed = withdrawal([['20.00', 1]], { reversedBy: 9, machineId: 'other' });
    expect(codeOf(() => checkAtmReversal(reversed, 'm1', [], window))).toBe('ALREADY_REVERSED');
  });

  it("refuses another machine's withdrawal and any other type as NOT_REVERSIBLE", () => {
    expect(codeOf(() => checkAtmReversal(withdrawal([['20.00', 1]]), 'm2', [], window))).toBe('NOT_REVERSIBLE');
    expect(codeOf(() => checkAtmReversal(withdrawal([['20.00', 1]], { type: 'atm_deposit' }), 'm1', [], window))).toBe('NOT_REVERSIBLE');
  });

  it('closes the window after REVERSAL_WINDOW_SECONDS, INVALID_REVERSAL first', () => {
    const w = withdrawal([['20.00', 1]]);
    expect(codeOf(() => checkAtmReversal(w, 'm1', [], { seconds: 7200, now: window.now }))).toBeUndefined();
    expect(codeOf(() => checkAtmReversal(w, 'm1', [], { seconds: 7199, now: window.now }))).toBe('REVERSAL_WINDOW_CLOSED');
    expect(codeOf(() => checkAtmReversal(w, 'm1', pieces([['20.00', 1]]), { seconds: 1, now: window.now }))).toBe('INVALID_REVERSAL');
  });
});

describe('correctionLegs', () => {
  const row = (extra: Partial<ReversibleRow>): ReversibleRow => ({
    ...withdrawal([]),
    machineId: null,
    cash: null,
    type: 'deposit',
    amount: 2500n,
    ...extra,
  });

  it('undoes a teller deposit or withdrawal with the negated amount', () => {
    expect(correctionLegs(row({ id: 3 }))).toEqual([{ account: '1001', amount: -2500n, reverses: 3 }]);
    expect(correctionLegs(row({ id: 4, type: 'withdrawal', amount: -700n }))).toEqual([
      { account: '1001', amount: 700n, reverses: 4, limitDay: '2026-11-21' },
    ]);
  });

  it('undoes both legs of a transfer given either one', () => {
    const out = row({ id: 10, type: 'transfer_out', amount: -900n, transferId: 't', accountNumber: 'a' });
    const into = row({ id: 11, type: 'transfer_in', amount: 900n, transferId: 't', accountNumber: 'b' });
    const expected = [
      { account: 'a', amount: 900n, reverses: 10 },
      { account: 'b', amount: -900n, reverses: 11 },
    ];
    expect(correctionLegs(into, [into, out])).toEqual(expected);
    expect(correctionLegs(out, [out, into])).toEqual(expected);
    expect(codeOf(() => correctionLegs(out, [out, { ...into, reversedBy: 12 }]))).toBe('ALREADY_REVERSED');
  });

  it('refuses ATM, machine and reversal rows as NOT_REVERSIBLE', () => {
    for (const type of ['atm_withdrawal', 'atm_deposit', 'refill', 'maintenance_reset', 'atm_reversal', 'reversal'] as const) {
      expect(codeOf(() => correctionLegs(row({ type })))).toBe('NOT_REVERSIBLE');
    }
  });
});

// Money is conserved through a withdrawal and its reversal: what the customer
// holds (account + cash in hand) and what the bank holds (machine cash + cash
// in the customer's hand) are the same before the withdrawal and after the
// reversal, for any dispense the planner picks and any partial `dispensed`.
describe('property: account money and machine cash are conserved through a reversal', () => {
  const DENOMINATIONS: Array<[bigint, 'bill' | 'coin']> = [
    [10000n, 'bill'],
    [5000n, 'bill'],
    [2000n, 'bill'],
    [1000n, 'bill'],
    [500n, 'bill'],
    [100n, 'coin'],
    [25n, 'coin'],
    [10n, 'coin'],
    [5n, 'coin'],
    [1n, 'coin'],
  ];
  const stock = fc.tuple(...DENOMINATIONS.map(() => fc.integer({ min: 0, max: 30 })));

  it('before the withdrawal == after the reversal + what was handed out', () => {
    fc.assert(
      fc.property(
        stock,
        fc.bigInt({ min: 1n, max: 200000n }),
        fc.bigInt({ min: 0n, max: 500000n }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (counts, amount, balance, fractions) => {
          const cassettes: CassetteStock[] = DENOMINATIONS.map(([denomination, kind], i) => ({ denomination, kind, count: counts[i] }));
          const machineBefore = valueOf(cassettes);
          const plan = planDispense(amount, cassettes, 50);
          fc.pre(plan.ok);
          if (!plan.ok) return;
          const row = withdrawalOf(plan.pieces, amount);
          const dispensed = plan.pieces.map((p) => ({ denomination: p.denomination, count: Math.floor(p.count * fractions.next().value) }));
          fc.pre(valueOf(dispensed) < amount);
          const { credit, returned } = planAtmReversal(row, dispensed);
          const handedOut = valueOf(dispensed);
          const accountAfter = balance - amount + credit;
          const machineAfter = machineBefore - amount + valueOf(returned);
          expect(accountAfter + handedOut).toBe(balance);
          expect(machineAfter + handedOut).toBe(machineBefore);
          expect(credit).toBe(valueOf(returned));
          // Piece by piece too: every cassette ends at its count less what was handed out.
          for (const p of returned) {
            const out = plan.pieces.find((x) => x.denomination === p.denomination)?.count ?? 0;
            const kept = dispensed.find((x) => x.denomination === p.denomination)?.count ?? 0;
            expect(p.count).toBe(out - kept);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

function withdrawalOf(dispensed: readonly Pieces[], amount: bigint): ReversibleRow {
  return { ...withdrawal([]), amount: -amount, cash: dispensed.map((p) => ({ denomination: p.denomination, count: -p.count })) };
}
