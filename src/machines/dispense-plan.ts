// Pure dispense planner: which pieces an ATM pays out for an amount, given what
// its cassettes hold. Fewest pieces wins, subject to a cap on coins. Greedy is
// wrong once counts are limited (60.00 from one 50 and three 20s is three 20s),
// so this is bounded change-making by dynamic programming, exact by design.

export type CashKind = 'bill' | 'coin';
export interface CassetteStock { denomination: bigint; kind: CashKind; count: number } // count = pieces available (>= 0)
export interface DispensedPiece { denomination: bigint; kind: CashKind; count: number } // count > 0
export type DispensePlan =
  | { ok: true; pieces: DispensedPiece[] } // sorted by denomination descending, only denominations with count > 0
  | { ok: false; reason: 'CANNOT_DISPENSE' | 'TOO_MANY_COINS' };

// Each table costs 4 bytes of best-count plus up to 4 bytes per denomination per
// cell, so this caps a call at a few tens of MB. An ATM amount is far below it
// (2000.00 is 200000 cents even before the gcd reduction); a bigger table means
// a nonsensical request, refused as CANNOT_DISPENSE rather than allocated.
export const MAX_TABLE_CELLS = 1_000_000;
const INF = 0x3fffffff;

/** Cassettes of one denomination and kind, merged; `reduced` is the denomination over the overall gcd. */
interface Pool extends CassetteStock { reduced: bigint }
/** One kind's pools; bills and coins get separate tables so each is indexed in its own gcd. */
interface Side { pools: Pool[]; unit: bigint; fullSize: number }
interface Table { side: Side; steps: number[]; best: Int32Array; takes: Array<Uint16Array | Uint32Array> }

/**
 * Fewest pieces summing exactly to `amount` with at most `maxCoins` coins.
 * Cassettes sharing a denomination and kind are pooled and reported once; a bill and a coin of
 * the same value stay separate entries (bills first) because only coins count against the cap.
 */
export function planDispense(amount: bigint, stock: readonly CassetteStock[], maxCoins: number): DispensePlan {
  if (amount <= 0n) return fail('CANNOT_DISPENSE');
  const merged = poolStock(stock, amount);
  const g = merged.reduce((acc, p) => gcd(acc, p.denomination), 0n);
  if (g === 0n || amount % g !== 0n || amount / g > BigInt(Number.MAX_SAFE_INTEGER)) return fail('CANNOT_DISPENSE');
  const target = amount / g;
  const pools: Pool[] = merged.map((p) => ({ ...p, reduced: p.denomination / g }));
  const bills = describeSide(pools.filter((p) => p.kind === 'bill'), target);
  const coins = describeSide(pools.filter((p) => p.kind === 'coin'), target);
  if (!bills || !coins) return fail('CANNOT_DISPENSE');
  const cap = Number.isNaN(maxCoins) ? 0 : Math.max(0, Math.floor(maxCoins));
  const billTable = buildTable(bills, bills.fullSize);
  // No set of `cap` coins can exceed cap × largest coin, so the capped search needs only that prefix.
  const largest = coins.pools.reduce((m, p) => Math.max(m, Number(p.reduced / coins.unit)), 0);
  let coinTable = buildTable(coins, cap >= coins.fullSize ? coins.fullSize : Math.min(coins.fullSize, cap * largest));
  const pick = bestSplit(Number(target), billTable, coinTable, cap);
  if (pick) return { ok: true, pieces: sortPieces([...collect(billTable, pick[0]), ...collect(coinTable, pick[1])]) };
  if (coinTable.best.length - 1 < coins.fullSize) coinTable = buildTable(coins, coins.fullSize);
  return fail(bestSplit(Number(target), billTable, coinTable, Infinity) ? 'TOO_MANY_COINS' : 'CANNOT_DISPENSE');
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
  return { pools, unit, fullSize: Number(cells) };
}

/** best[i] = fewest pieces of this side worth i × unit (INF when unreachable), with per-layer choices kept. */
function buildTable(side: Side, size: number): Table {
  const best = new Int32Array(size + 1).fill(INF);
  best[0] = 0;
  const queuePos = new Int32Array(size + 1);
  const queueKey = new Int32Array(size + 1);
  const steps: number[] = [];
  const takes: Array<Uint16Array | Uint32Array> = [];
  let reach = 0;
  for (const pool of side.pools) {
    const step = Number(pool.reduced / side.unit);
    const limit = Math.min(pool.count, Math.floor(size / step));
    reach = Math.min(size, reach + step * limit);
    const take = limit > 0xffff ? new Uint32Array(size + 1) : new Uint16Array(size + 1);
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
  best: Int32Array, step: number, limit: number, reach: number,
  take: Uint16Array | Uint32Array, queuePos: Int32Array, queueKey: Int32Array,
): void {
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

/** [bill index, coin index] of the fewest-pieces split of target (ties: fewer coins), or null. */
function bestSplit(target: number, bills: Table, coins: Table, cap: number): [number, number] | null {
  const billUnit = Number(bills.side.unit);
  const coinUnit = Number(coins.side.unit);
  let pick: [number, number] | null = null;
  let bestTotal = INF;
  let bestCoins = INF;
  for (let k = 0; k < coins.best.length; k++) {
    const coinCount = coins.best[k];
    const rest = target - k * coinUnit;
    if (rest < 0) break;
    if (coinCount >= INF || coinCount > cap || rest % billUnit !== 0) continue;
    const j = rest / billUnit;
    const billCount = j < bills.best.length ? bills.best[j] : INF;
    if (billCount >= INF) continue;
    const total = billCount + coinCount;
    if (total < bestTotal || (total === bestTotal && coinCount < bestCoins)) {
      [pick, bestTotal, bestCoins] = [[j, k], total, coinCount];
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
