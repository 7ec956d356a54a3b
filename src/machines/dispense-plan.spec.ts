import fc from 'fast-check';
import { CashKind, CassetteStock, DispensePlan, MAX_TABLE_CELLS, planDispense } from './dispense-plan';

// Amounts in the tests are written as money text with exactly two decimals: '185.37' → 18537n.
const m = (text: string): bigint => BigInt(text.replace('.', ''));
const bill = (text: string, count: number): CassetteStock => ({ denomination: m(text), kind: 'bill', count });
const coin = (text: string, count: number): CassetteStock => ({ denomination: m(text), kind: 'coin', count });
const piece = (text: string, kind: CashKind, count: number) => ({ denomination: m(text), kind, count });
const paid = (...pieces: ReturnType<typeof piece>[]) => ({ ok: true, pieces });
const refused = (reason: 'CANNOT_DISPENSE' | 'TOO_MANY_COINS') => ({ ok: false, reason });

// The demo machine: 7500.00 in bills, 364.00 in coins, 1800 coins in all.
const DEMO: CassetteStock[] = [
  bill('100.00', 20),
  bill('50.00', 40),
  bill('20.00', 100),
  bill('10.00', 100),
  bill('5.00', 100),
  coin('1.00', 200),
  coin('0.25', 400),
  coin('0.10', 400),
  coin('0.05', 400),
  coin('0.01', 400),
];

describe('planDispense', () => {
  it('beats greedy when counts are limited: 60.00 from one 50 and three 20s is three 20s', () => {
    expect(planDispense(m('60.00'), [bill('50.00', 1), bill('20.00', 3)], 0)).toEqual(paid(piece('20.00', 'bill', 3)));
  });

  it('beats greedy with unlimited counts too: 6 from 4, 3, 1 is 3 + 3', () => {
    const stock = [coin('0.04', 9), coin('0.03', 9), coin('0.01', 9)];
    expect(planDispense(m('0.06'), stock, 9)).toEqual(paid(piece('0.03', 'coin', 2)));
  });

  it('pays 185.37 on the demo machine with one bill of each value then the fewest coins', () => {
    expect(planDispense(m('185.37'), DEMO, 50)).toEqual(
      paid(
        piece('100.00', 'bill', 1),
        piece('50.00', 'bill', 1),
        piece('20.00', 'bill', 1),
        piece('10.00', 'bill', 1),
        piece('5.00', 'bill', 1),
        piece('0.25', 'coin', 1),
        piece('0.10', 'coin', 1),
        piece('0.01', 'coin', 2),
      ),
    );
  });

  it('empties the whole 7864.00 demo machine only when all 1800 coins are allowed', () => {
    expect(planDispense(m('7864.00'), DEMO, 1800)).toEqual(paid(...DEMO));
    expect(planDispense(m('7864.00'), DEMO, 1799)).toEqual(refused('TOO_MANY_COINS'));
    expect(planDispense(m('7864.01'), DEMO, 5000)).toEqual(refused('CANNOT_DISPENSE'));
  });

  it('applies the coin cap: 0.49 needs 9 coins without quarters', () => {
    const stock = [coin('0.10', 10), coin('0.05', 10), coin('0.01', 10)];
    expect(planDispense(m('0.49'), stock, 8)).toEqual(refused('TOO_MANY_COINS'));
    expect(planDispense(m('0.49'), stock, 9)).toEqual(paid(piece('0.10', 'coin', 4), piece('0.05', 'coin', 1), piece('0.01', 'coin', 4)));
  });

  it('takes more pieces rather than break the coin cap, but the fewest within it', () => {
    const stock = [bill('5.00', 10), bill('1.00', 10), coin('2.00', 10)];
    expect(planDispense(m('9.00'), stock, 2)).toEqual(paid(piece('5.00', 'bill', 1), piece('2.00', 'coin', 2)));
    expect(planDispense(m('9.00'), stock, 0)).toEqual(paid(piece('5.00', 'bill', 1), piece('1.00', 'bill', 4)));
  });

  it('breaks a tie on piece count towards fewer coins', () => {
    // 6 pieces either way: five 5s + one 5-coin, or 11 + three 5s + two 2-coins.
    const stock = [bill('0.05', 5), coin('0.05', 5), bill('0.11', 5), coin('0.02', 4)];
    expect(planDispense(m('0.30'), stock, 9)).toEqual(paid(piece('0.05', 'bill', 5), piece('0.05', 'coin', 1)));
  });

  it('keeps a bill and a coin of the same value apart, bills first', () => {
    const stock = [coin('2.00', 5), bill('2.00', 1)];
    expect(planDispense(m('6.00'), stock, 2)).toEqual(paid(piece('2.00', 'bill', 1), piece('2.00', 'coin', 2)));
  });

  it('pools cassettes that share a denomination and reports it once', () => {
    const stock = [bill('20.00', 2), bill('50.00', 0), bill('20.00', 3)];
    expect(planDispense(m('100.00'), stock, 0)).toEqual(paid(piece('20.00', 'bill', 5)));
    expect(planDispense(m('120.00'), stock, 0)).toEqual(refused('CANNOT_DISPENSE'));
  });

  it.each([
    ['an unreachable amount', m('30.00'), [bill('50.00', 5), bill('20.00', 1)]],
    ['an amount off the gcd', m('25.01'), DEMO.slice(0, 5)],
    ['zero', 0n, DEMO],
    ['a negative amount', -m('20.00'), DEMO],
    ['empty stock', m('20.00'), []],
    ['only empty cassettes', m('20.00'), [bill('20.00', 0), coin('1.00', 0)]],
  ])('refuses %s with CANNOT_DISPENSE', (_name, amount, stock) => {
    expect(planDispense(amount, stock, 100)).toEqual(refused('CANNOT_DISPENSE'));
  });

  it('treats an infinite cap as no cap and a NaN or negative cap as zero', () => {
    const stock = [coin('0.01', 1000)];
    expect(planDispense(m('9.99'), stock, Infinity)).toEqual(paid(piece('0.01', 'coin', 999)));
    expect(planDispense(m('0.01'), stock, Number.NaN)).toEqual(refused('TOO_MANY_COINS'));
    expect(planDispense(m('0.01'), stock, -3)).toEqual(refused('TOO_MANY_COINS'));
  });

  it('refuses a table larger than MAX_TABLE_CELLS instead of allocating it', () => {
    const pennies = [bill('0.01', MAX_TABLE_CELLS * 2)];
    expect(planDispense(BigInt(MAX_TABLE_CELLS) + 7n, pennies, 0)).toEqual(refused('CANNOT_DISPENSE'));
    // Just under the limit works, and counts beyond 16 bits survive reconstruction.
    expect(planDispense(BigInt(MAX_TABLE_CELLS) - 1n, pennies, 0)).toEqual(paid(piece('0.01', 'bill', MAX_TABLE_CELLS - 1)));
    // Bills are tabled in their own gcd, so pennies among the coins do not blow up the bill table.
    expect(planDispense(BigInt(MAX_TABLE_CELLS) + 7n, [bill('1.00', MAX_TABLE_CELLS), coin('0.01', 10)], 10)).toEqual(
      paid(piece('1.00', 'bill', MAX_TABLE_CELLS / 100), piece('0.01', 'coin', 7)),
    );
  });
});

// Brute force over every count of every cassette (cassettes not pooled, so pooling is checked too).
type Verdict = { verdict: 'ok'; pieces: number } | { verdict: 'CANNOT_DISPENSE' | 'TOO_MANY_COINS' };
function oracle(amount: bigint, stock: readonly CassetteStock[], maxCoins: number): Verdict {
  let feasible = false;
  let best = Infinity;
  const walk = (i: number, left: bigint, pieces: number, coins: number): void => {
    if (left === 0n) {
      feasible = true;
      if (coins <= maxCoins) best = Math.min(best, pieces);
      return;
    }
    if (i === stock.length) return;
    const { denomination, kind, count } = stock[i];
    for (let t = 0; t <= count && BigInt(t) * denomination <= left; t++) {
      walk(i + 1, left - BigInt(t) * denomination, pieces + t, coins + (kind === 'coin' ? t : 0));
    }
  };
  if (amount > 0n) walk(0, amount, 0, 0);
  if (best < Infinity) return { verdict: 'ok', pieces: best };
  return { verdict: feasible ? 'TOO_MANY_COINS' : 'CANNOT_DISPENSE' };
}

// A second oracle for machines too big to enumerate: 0/1 knapsack over every single piece, per kind,
// giving the fewest coins (and bills) for each amount; a plan is then a coin amount plus the rest in bills.
function pieceOracle(amount: bigint, stock: readonly CassetteStock[], maxCoins: number): Verdict {
  const target = Number(amount);
  const fewest = (kind: CashKind): number[] => {
    const best = new Array<number>(target + 1).fill(Infinity);
    best[0] = 0;
    for (const c of stock.filter((s) => s.kind === kind)) {
      const d = Number(c.denomination);
      for (let n = 0; n < c.count; n++) for (let a = target; a >= d; a--) best[a] = Math.min(best[a], best[a - d] + 1);
    }
    return best;
  };
  const [bills, coins] = [fewest('bill'), fewest('coin')];
  let feasible = false;
  let best = Infinity;
  for (let a = 0; a <= target; a++) {
    if (coins[a] === Infinity || bills[target - a] === Infinity) continue;
    feasible = true;
    if (coins[a] <= maxCoins) best = Math.min(best, coins[a] + bills[target - a]);
  }
  if (best < Infinity) return { verdict: 'ok', pieces: best };
  return { verdict: feasible ? 'TOO_MANY_COINS' : 'CANNOT_DISPENSE' };
}

function verdictOf(plan: DispensePlan): Verdict {
  return plan.ok ? { verdict: 'ok', pieces: plan.pieces.reduce((n, p) => n + p.count, 0) } : { verdict: plan.reason };
}

const cassette = fc.record({
  denomination: fc.constantFrom(1n, 2n, 5n, 10n, 20n, 25n, 50n, 100n),
  kind: fc.constantFrom<CashKind>('bill', 'coin'),
  count: fc.integer({ min: 0, max: 6 }),
});
// Half the amounts are random, half are built from the machine's own pieces so most are payable.
const scenario = fc.array(cassette, { minLength: 1, maxLength: 5 }).chain((stock) =>
  fc.record({
    stock: fc.constant(stock),
    amount: fc.oneof(
      fc.integer({ min: 1, max: 400 }).map(BigInt),
      fc
        .tuple(...stock.map((c) => fc.integer({ min: 0, max: c.count })))
        .map((takes) => takes.reduce((sum, t, i) => sum + BigInt(t) * stock[i].denomination, 0n) || 1n),
    ),
    // Mostly small caps, but also caps past the planner's first coin table (8) and no cap at all.
    maxCoins: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 8 }), weight: 3 },
      { arbitrary: fc.integer({ min: 9, max: 40 }), weight: 1 },
      { arbitrary: fc.constant(Infinity), weight: 1 },
    ),
  }),
);

// Coin-heavy machines: many small coins, so the planner's short first coin table is often not enough.
const bigScenario = fc.record({
  stock: fc.array(
    fc.record({
      // Odd values and coins worth more than bills too: they make the planner's bounds tight.
      denomination: fc.constantFrom(1n, 2n, 3n, 4n, 5n, 7n, 10n, 12n, 25n),
      kind: fc.constantFrom<CashKind>('bill', 'coin', 'coin'),
      count: fc.integer({ min: 0, max: 25 }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  amount: fc.integer({ min: 1, max: 200 }).map(BigInt),
  maxCoins: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(Infinity)),
});

describe('planDispense properties', () => {
  it('agrees with a brute-force oracle on the verdict and the fewest pieces', () => {
    fc.assert(
      fc.property(scenario, ({ stock, amount, maxCoins }) => {
        expect(verdictOf(planDispense(amount, stock, maxCoins))).toEqual(oracle(amount, stock, maxCoins));
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees with a piece-by-piece knapsack on bigger, coin-heavy machines', () => {
    fc.assert(
      fc.property(bigScenario, ({ stock, amount, maxCoins }) => {
        expect(verdictOf(planDispense(amount, stock, maxCoins))).toEqual(pieceOracle(amount, stock, maxCoins));
      }),
      { numRuns: 2000 },
    );
  });

  it('only returns plans that pay exactly, from stock, within the coin cap, sorted', () => {
    fc.assert(
      fc.property(fc.oneof(scenario, bigScenario), ({ stock, amount, maxCoins }) => {
        const plan = planDispense(amount, stock, maxCoins);
        if (!plan.ok) return;
        const held = (p: { denomination: bigint; kind: CashKind }) =>
          stock.filter((c) => c.denomination === p.denomination && c.kind === p.kind).reduce((n, c) => n + c.count, 0);
        expect(plan.pieces.reduce((sum, p) => sum + p.denomination * BigInt(p.count), 0n)).toBe(amount);
        const coins = plan.pieces.filter((p) => p.kind === 'coin').reduce((n, p) => n + p.count, 0);
        expect(coins).toBeLessThanOrEqual(maxCoins);
        for (const p of plan.pieces) {
          expect(p.count).toBeGreaterThan(0);
          expect(p.count).toBeLessThanOrEqual(held(p));
        }
        const keys = plan.pieces.map((p) => `${p.kind}:${p.denomination}`);
        expect(new Set(keys).size).toBe(keys.length);
        plan.pieces.slice(1).forEach((p, i) => expect(p.denomination <= plan.pieces[i].denomination).toBe(true));
      }),
      { numRuns: 1500 },
    );
  });

  it('gives the same answer when every value is scaled, and refuses amounts off the scale', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 2, max: 100_000 }).map(BigInt), ({ stock, amount, maxCoins }, k) => {
        const scaled = stock.map((c) => ({ ...c, denomination: c.denomination * k }));
        const plan = planDispense(amount, stock, maxCoins);
        const expected = plan.ok ? { ok: true, pieces: plan.pieces.map((p) => ({ ...p, denomination: p.denomination * k })) } : plan;
        expect(planDispense(amount * k, scaled, maxCoins)).toEqual(expected);
        expect(planDispense(amount * k + 1n, scaled, maxCoins)).toEqual({ ok: false, reason: 'CANNOT_DISPENSE' });
      }),
      { numRuns: 500 },
    );
  });
});
