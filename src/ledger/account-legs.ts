import { EntityManager } from 'typeorm';
import { utcDay } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { driverBigint } from '../database/bigint.transformer';
import { SqlStatements } from '../database/sql-statements';
import { TransactionRunner } from '../database/transaction-runner';
import { IdempotencyClaim } from '../idempotency/idempotency-claim';
import type { StoredKeyRow } from '../idempotency/idempotency.store';
import { AccountLeg, MOVEMENT_RULES, PostedRow } from './movement';
import { DIAGNOSE_ACCOUNT_SQL, moveAndAppend, moveSql, MoveShape, Posting, REPLAYED_ROW_SQL, rowParams, shapeKey } from './posting.sql';
import { AccountStateRow, diagnose } from './refusals';

/** A leg's conditional UPDATE that keeps missing a row its diagnosis finds fine is a bug, not a race. */
const MAX_MOVE_ATTEMPTS = 5;

/**
 * The account step of the posting core: each leg's conditional UPDATE (the
 * account rules, posting.sql.ts), accounts in sorted order so Postgres takes
 * row locks in one global order. A leg the UPDATE refuses is diagnosed, and
 * the others still run: the contract's order may rank another account's
 * refusal first, and the caller's transaction discards every change anyway.
 */
export class AccountLegs {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly sql: SqlStatements,
  ) {}

  /** Moves every leg; returns the moved legs' rows (id 0 while the row waits for the cash plan). */
  async move(em: EntityManager, p: Posting, refusals: DomainError[]): Promise<Map<AccountLeg, PostedRow>> {
    const moved = new Map<AccountLeg, PostedRow>();
    const legs = p.movement.legs.length === 1 ? p.movement.legs : sortedByAccount(p.movement.legs);
    if (legs.length > 1 && new Set(legs.map((leg) => leg.account)).size < legs.length) {
      refusals.push(new DomainError('SAME_ACCOUNT', 'from_account and to_account must differ'));
      // A missing or inactive account still ranks first: diagnose them as zero credits.
      for (const leg of legs) {
        const refusal = await this.diagnose(em, p, { ...leg, amount: 0n });
        if (refusal) refusals.push(refusal);
      }
      return moved;
    }
    for (const leg of legs) {
      const row = await this.moveLeg(em, p, leg);
      if (row instanceof DomainError) refusals.push(row);
      else moved.set(leg, row);
    }
    return moved;
  }

  private async moveLeg(em: EntityManager, p: Posting, leg: AccountLeg): Promise<PostedRow | DomainError> {
    const shape = shapeOf(p, leg);
    const params = legParams(p, leg, shape);
    for (let attempt = 1; attempt <= MAX_MOVE_ATTEMPTS; attempt++) {
      const row = rowsWaitForRules(p)
        ? await this.moveOnly(em, shape, params, leg)
        : p.claim
          ? await this.moveAndAppendOnce(em, p, shape, params, leg, p.claim)
          : await this.moveAndAppend(em, shape, params, leg);
      if (row) return row;
      const refusal = await this.diagnose(em, p, leg);
      if (refusal) return refusal;
    }
    throw new Error(`account ${leg.account}: the movement was refused, yet every rule holds`);
  }

  /** The balance moves now; the ledger row is written once every rule has passed (PostingService.appendRows). */
  private async moveOnly(em: EntityManager, shape: MoveShape, params: Record<string, unknown>, leg: AccountLeg) {
    const [row] = await this.runner.query<{ balance: unknown }>(em, `post_move_${shapeKey(shape)}`, moveSql(shape), params);
    return row && { id: 0, account: leg.account, balance: driverBigint(row.balance) };
  }

  private async moveAndAppend(em: EntityManager, shape: MoveShape, params: Record<string, unknown>, leg: AccountLeg) {
    const name = `post_${shapeKey(shape)}`;
    const row = await this.sql.updateThenInsert<AppendedRow>(em, name, moveAndAppend(shape), params);
    return row && postedRow(leg, row);
  }

  /**
   * The leg's UPDATE, its ledger row and the request's Idempotency-Key, all
   * in one statement on Postgres. A live key moves nothing: the row it points
   * at is read back, so the handler answers exactly as it did the first time.
   */
  private async moveAndAppendOnce(
    em: EntityManager,
    p: Posting,
    shape: MoveShape,
    params: Record<string, unknown>,
    leg: AccountLeg,
    claim: IdempotencyClaim,
  ): Promise<PostedRow | null> {
    const name = `post_once_${shapeKey(shape)}`;
    const result = await this.sql.updateThenInsertOnce<AppendedRow, StoredKeyRow>(em, name, moveAndAppend(shape), claim.statement, {
      ...params,
      ...claim.params(p.now),
    });
    if (!result) return null;
    if ('written' in result) {
      claim.claimed();
      return postedRow(leg, result.written);
    }
    const id = claim.rowToReplay(result.existing);
    const [row] = await this.runner.query<{ account_number: string; amount: unknown; balance_after: unknown }>(
      em,
      'post_replayed_row',
      REPLAYED_ROW_SQL,
      { id },
    );
    // Same key, same fingerprint: the same account and amount, or the data is corrupt.
    if (!row || row.account_number !== leg.account || driverBigint(row.amount) !== leg.amount) {
      throw new Error(`Idempotency-Key of ledger row ${id}: the row is missing or moved another account or amount`);
    }
    return postedRow(leg, { id, balance_after: row.balance_after });
  }

  private async diagnose(em: EntityManager, p: Posting, leg: AccountLeg): Promise<DomainError | undefined> {
    const [row] = await this.runner.query<AccountStateRow>(em, 'post_diagnose', DIAGNOSE_ACCOUNT_SQL, { account: leg.account });
    return diagnose(leg, shapeOf(p, leg), row, p.now);
  }
}

/**
 * A leg's row is written with its UPDATE only when the movement is that one
 * leg: with a machine the row carries the cash, planned once the machine is
 * locked; with several legs a row names its counterparty, an account that
 * must first be known to exist (a foreign key).
 */
export function rowsWaitForRules(p: Posting): boolean {
  return p.movement.machine !== undefined || p.movement.legs.length > 1;
}

/** The ledger row a leg's INSERT returned (moveAndAppend's insertReturning). */
interface AppendedRow {
  id: unknown;
  balance_after: unknown;
}

function postedRow(leg: AccountLeg, row: AppendedRow): PostedRow {
  return { id: Number(row.id), account: leg.account, balance: driverBigint(row.balance_after) };
}

const sortedByAccount = (legs: readonly AccountLeg[]) =>
  [...legs].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));

function shapeOf(p: Posting, leg: AccountLeg): MoveShape {
  const rule = MOVEMENT_RULES[leg.type ?? p.movement.type];
  const debit = leg.amount < 0n;
  // A credit naming the day it gives room back to does so whatever its type (a correction of a withdrawal).
  return { debit, active: rule.activeAccounts, dailyLimit: rule.dailyLimit || (!debit && leg.limitDay !== undefined) };
}

function legParams(p: Posting, leg: AccountLeg, shape: MoveShape): Record<string, unknown> {
  const day = utcDay(p.now);
  return {
    ...rowParams(p, leg, null),
    amount: leg.amount < 0n ? -leg.amount : leg.amount,
    day,
    limit_day: shape.dailyLimit ? (leg.limitDay ?? day) : day,
  };
}
