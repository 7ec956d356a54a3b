// Pure dispense planner: which pieces an ATM pays out for an amount, given what
// its cassettes hold. Fewest pieces wins, subject to a cap on coins. Greedy is
// wrong once counts are limited (60.00 from one 50 and three 20s is three 20s),
// so this is bounded change-making by dynamic programming, exact by design.

export type CashKind = 'bill' | 'coin';
export interface CassetteStock {
  denomination: bigint;
  kind: CashKind;
  count: number;
} // count = pieces available (>= 0)
export interface DispensedPiece {
  denomination: bigint;
  kind: CashKind;
  count: number;
} // count > 0
export type DispensePlan =
  | { ok: true; pieces: DispensedPiece[] } // sorted by denomination descending, only denominations with count > 0
  | { ok: false; reason: 'CANNOT_DISPENSE' | 'TOO_MANY_COINS' };

// A table costs 12 bytes (best count, queue scratch) plus 4 bytes per denomination
// per cell, so this caps a call at a few tens of MB. An ATM amount is far below it
// (2000.00 is 200000 cents even before the gcd reduction); a bigger table means
// a nonsensical request, refused as CANNOT_DISPENSE rather than allocated.
export const MAX_TABLE_CELLS = 1_000_000;
const INF = 0x3fffffff;
// The first coin table covers every plan with up to this many coins: enough for
// the change in almost any amount, so the longer table is rarely needed.
const FIRST_COIN_BOUND = 8;
// Tables are carved from one reused buffer instead of fresh typed arrays: the
// allocations otherwise trigger old-space collections whose 5-10 ms pauses set
// the worst-case latency. Safe because a call is synchronous and nothing it
// claims outlives it. One-off huge tables get their own memory instead.
const ARENA_LIMIT = 1 << 20;
let arena = new Int32Array(1 << 16);
let arenaUsed = 0;

/** Cassettes of one denomination and kind, merged; `reduced` is the denomination over the overall gcd. */
interface Pool extends CassetteStock {
  reduced: bigint;
}
/** One kind's pools; bills and coins get separate tables so each is indexed in its own gcd (`unit`). */
interface Side {
  pools: Pool[];
  unit: number;
  largest: number;
  fullSize: number;
}
/** best[i]: fewest pieces worth i × unit; takes[p][i]: how many of pools[p] that optimum uses. */
interface Table {
  side: Side;
  steps: number[];
  best: Int32Array;
  takes: Int32Array[];
}
interface Split {
  bill: number;
  coin: number;
  total: number;
  coins: number;
}

/**
 * Fewest pieces summing exactly to `amount` with at most `maxCoins` coins.
 * Cassettes sharing a denomination and kind are pooled and reported once; a bill and a coin of
 * the same value stay separate entries (bills first) because only coins count against the cap.
 */
export function planDispense(amount: bigint, stock: readonly CassetteStock[], maxCoins: number): DispensePlan {
  if (amount <= 0n) return fail('CANNOT_DISPENSE');
  arenaUsed = 0;
  const merged = poolStock(stock, amount);
  const g = merged.reduce((acc, p) => gcd(acc, p.denomination), 0n);
  if (g === 0n || amount % g !== 0n || amount / g > BigInt(Number.MAX_SAFE_INTEGER)) return fail('CANNOT_DISPENSE');
  const target = Number(amount / g);
  const pools: Pool[] = merged.map((p) => ({ ...p, reduced: p.denomination / g }));
  const bills = describeSide(
    pools.filter((p) => p.kind === 'bill'),
    amount / g,
  );
  const coins = describeSide(
    pools.filter((p) => p.kind === 'coin'),
    amount / g,
  );
  if (!bills || !coins) return fail('CANNOT_DISPENSE');
  const cap = Number.isNaN(maxCoins) ? 0 : Math.max(0, Math.floor(maxCoins));
  const billTable = buildTable(bills, bills.fullSize);
  const { coinTable, pick } = searchCoins(target, billTable, coins, cap);
  if (pick) {
    return { ok: true, pieces: sortPieces([...collect(billTable, pick.bill), ...collect(coinTable, pick.coin)]) };
  }
  // Nothing within the cap: only an uncapped look at every coin amount tells the two failures apart.
  const full = coinTable.best.length - 1 === coins.fullSize ? coinTable : buildTable(coins, coins.fullSize);
  return fail(bestSplit(target, billTable, full, Infinity) ? 'TOO_MANY_COINS' : 'CANNOT_DISPENSE');
}

/**
 * A plan with at most c coins pays at most c × largest coin in coins, so a table that long covers
 * all of them. A short first table usually finds a plan; a lower bound on the pieces of plans with
 * more coins then says how long the table must be to rule out anything better. Both are exact.
 */
function searchCoins(target: number, bills: Table, coins: Side, cap: number): { coinTable: Table; pick: Split | null } {
  const cellsFor = (c: number): number =>
    c >= coins.fullSize ? coins.fullSize : Math.min(coins.fullSize, c * (coins.largest / coins.unit));
  const first = Math.min(cap, FIRST_COIN_BOUND);
  const coinTable = buildTable(coins, cellsFor(first));
  const pick = bestSplit(target, bills, coinTable, cap);
  if (first === cap || coinTable.best.length - 1 === coins.fullSize) return { coinTable, pick };
  const needed = pick ? Math.max(pick.coins, coinsThatCouldBeat(pick.total, target, coins.largest, bills.side.largest)) : cap;
  if (needed <= first) return { coinTable, pick };
  const longer = buildTable(coins, cellsFor(Math.min(cap, needed)));
  return { coinTable: longer, pick: bestSplit(target, bills, longer, cap) };
}

/**
 * Smallest c such that every plan with more than c coins has at least `total` pieces. A plan with k
 * coins leaves at least target − k·maxCoin to pieces worth at most max(maxCoin, maxBill) each;
 * dividing by the larger of the two keeps that bound non-decreasing in k, so the first c is enough.
 */
function coinsThatCouldBeat(total: number, target: number, maxCoin: number, maxBill: number): number {
  const biggest = Math.max(maxCoin, maxBill);
  let c = 0;
  while (c + 1 + Math.ceil(Math.max(0, target - (c + 1) * maxCoin) / biggest) < total) c++;
  return c;
}

function fail(reason: 'CANNOT_DISPENSE' | 'TOO_MANY_COINS'): DispensePlan {
  return { ok: false, reason };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Merges cassettes by denomination and kind; drops empty ones and pieces worth more than the amount. */
function poolStock(stock: readonly CassetteStock[], amount: bigint): CassetteStock[] {
  const byKey = new Map<string, CassetteStock>();
  for (const { denomination, kind, count } of stock) {
    if (!(count >= 1) || denomination <= 0n || denomination > amount) continue;
    const pieces = Number.isFinite(count) ? Math.floor(count) : Number.MAX_SAFE_INTEGER;
    const key = `${kind}:${denomination}`;
    const pool = byKey.get(key);
    if (pool) pool.count += pieces;
    else byKey.set(key, { denomination, kind, count: pieces });
  }
  return [...byKey.values()];
}

/** Sizes one kind's table in its own gcd unit; null when it would exceed MAX_TABLE_CELLS. */
function describeSide(pools: Pool[], target: bigint): Side | null {
  const unit = pools.reduce((acc, p) => gcd(acc, p.reduced), 0n) || 1n;
  const value = pools.reduce((sum, p) => sum + p.reduced * BigInt(Math.min(p.count, Number.MAX_SAFE_INTEGER)), 0n);
  const cells = (value < target ? value : target) / unit;
  if (cells > BigInt(MAX_TABLE_CELLS)) return null;
  // Layers that can only reach a short prefix go first, so most layers scan only that prefix.
  pools.sort((a, b) => Number(a.reduced * BigInt(a.count) - b.reduced * BigInt(b.count)));
  const largest = pools.reduce((m, p) => (p.reduced > m ? p.reduced : m), 0n);
  return { pools, unit: Number(unit), largest: Number(largest), fullSize: Number(cells) };
}

function claim(cells: number, fill: number): Int32Array {
  if (arenaUsed + cells > arena.length) {
    if (cells * 2 > ARENA_LIMIT) return new Int32Array(cells).fill(fill);
    arena = new Int32Array(Math.min(ARENA_LIMIT, Math.max(arena.length * 2, cells * 2)));
    arenaUsed = 0; // earlier claims keep the old buffer alive until the call ends
  }
  arenaUsed += cells;
  return arena.subarray(arenaUsed - cells, arenaUsed).fill(fill);
}

function buildTable(side: Side, size: number): Table {
  const best = claim(size + 1, INF);
  best[0] = 0;
  const queuePos = claim(size + 1, 0);
  const queueKey = claim(size + 1, 0);
  const steps: number[] = [];
  const takes: Int32Array[] = [];
  let reach = 0;
  for (const pool of side.pools) {
    const step = Number(pool.reduced) / side.unit;
    const limit = Math.min(pool.count, Math.floor(size / step));
    reach = Math.min(size, reach + step * limit);
    const take = claim(size + 1, 0);
    addLayer(best, step, limit, reach, take, queuePos, queueKey);
    steps.push(step);
    takes.push(take);
  }
  return { side, steps, best, takes };
}

/**
 * Bounded layer: best'[j] = min over 0 <= t <= limit of best[j - t·step] + t. Along each residue
 * class that is a sliding-window minimum of best[i·step + r] - i, kept in a monotone queue:
 * O(cells) per denomination whatever the count, unlike binary splitting's O(cells · log count).
 */
function addLayer(
  best: Int32Array,
  step: number,
  limit: number,
  reach: number,
  take: Int32Array,
  queuePos: Int32Array,
  queueKey: Int32Array,
): void {
  if (limit >= Math.floor(reach / step)) return addUnbounded(best, step, reach, take);
  for (let r = 0; r < step && r <= reach; r++) {
    let head = 0;
    let tail = 0;
    for (let i = 0, at = r; at <= reach; i++, at += step) {
      const old = best[at];
      if (old < INF) {
        const key = old - i;
        while (tail > head && queueKey[tail - 1] >= key) tail--;
        queuePos[tail] = i;
        queueKey[tail++] = key;
      }
      while (tail > head && queuePos[head] < i - limit) head++;
      if (tail === head) continue; // unreachable before and after: stays INF
      best[at] = queueKey[head] + i;
      take[at] = i - queuePos[head];
    }
  }
}

/** Enough pieces to fill the whole prefix: the count cannot bind, so no window is needed. */
function addUnbounded(best: Int32Array, step: number, reach: number, take: Int32Array): void {
  for (let at = step; at <= reach; at++) {
    const via = best[at - step] + 1;
    if (via < best[at]) {
      best[at] = via;
      take[at] = take[at - step] + 1;
    }
  }
}

/** The fewest-pieces split of target into a bill-table and a coin-table index (ties: fewer coins), or null. */
function bestSplit(target: number, bills: Table, coins: Table, cap: number): Split | null {
  const billUnit = bills.side.unit;
  const coinUnit = coins.side.unit;
  let pick: Split | null = null;
  for (let coin = 0; coin < coins.best.length; coin++) {
    const coinCount = coins.best[coin];
    const rest = target - coin * coinUnit;
    if (rest < 0) break;
    if (coinCount >= INF || coinCount > cap || rest % billUnit !== 0) continue;
    const bill = rest / billUnit;
    const billCount = bill < bills.best.length ? bills.best[bill] : INF;
    if (billCount >= INF) continue;
    const total = billCount + coinCount;
    if (!pick || total < pick.total || (total === pick.total && coinCount < pick.coins)) {
      pick = { bill, coin, total, coins: coinCount };
    }
  }
  return pick;
}

/** Walks the layers backwards, reading how many of each pool the optimum at `index` used. */
function collect(table: Table, index: number): DispensedPiece[] {
  const pieces: DispensedPiece[] = [];
  for (let layer = table.takes.length - 1; layer >= 0; layer--) {
    const count = table.takes[layer][index];
    if (count === 0) continue;
    const { denomination, kind } = table.side.pools[layer];
    pieces.push({ denomination, kind, count });
    index -= count * table.steps[layer];
  }
  return pieces;
}

function sortPieces(pieces: DispensedPiece[]): DispensedPiece[] {
  return pieces.sort((a, b) =>
    a.denomination === b.denomination ? (a.kind === 'bill' ? -1 : 1) : a.denomination > b.denomination ? -1 : 1,
  );
}
