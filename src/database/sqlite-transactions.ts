import type Database from 'better-sqlite3';
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { BetterSqlite3Driver } from 'typeorm/driver/better-sqlite3/BetterSqlite3Driver';
import { SqliteMutex } from './sqlite-mutex';
import { markTransaction } from './typeorm-internals';

/** Use cases at most in one group commit (bounds the first one's wait). */
const MAX_GROUP = 100;
/** How long BEGIN IMMEDIATE waits for another connection's write lock (as busy_timeout did). */
const WRITE_LOCK_WAIT_MS = 10_000;

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface CommitGroup {
  size: number;
  committed: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The SQLite half of TransactionRunner. Every access is serialised through
 * one FIFO mutex (better-sqlite3 shares one connection). Use cases commit in
 * groups: the first opens `BEGIN IMMEDIATE` (the file's write lock, so a
 * second process cannot interleave), each runs inside its own SAVEPOINT — a
 * refusal rolls back to it and changes nothing — and the group commits once
 * the event loop has run every request that was ready (setImmediate), or at
 * MAX_GROUP. A use case's caller hears of success only after that COMMIT, so
 * an answered request is durable (synchronous=FULL) while many share one
 * fsync. If the COMMIT fails, every use case of the group fails with it. A
 * read outside a use case commits an open group first, so it never sees
 * uncommitted data.
 */
export class SqliteTransactions {
  private readonly mutex = new SqliteMutex();
  private readonly statements = new Map<string, Database.Statement>();
  private group: CommitGroup | null = null;
  private busyTimeout?: number;
  // One query runner (and its EntityManager) for every use case: the mutex
  // lets one use case at a time use the one connection, so a fresh runner
  // per use case only allocated the same objects again.
  private sharedRunner?: QueryRunner;
  // The group's deferred COMMIT must not run in the async context of the use
  // case that scheduled it: the mutex is re-entrant by context, and would let
  // it in while that use case is still running.
  private readonly outside = new AsyncResource('SqliteGroupCommit');

  constructor(
    private readonly dataSource: DataSource,
    private readonly ambient: AsyncLocalStorage<EntityManager>,
  ) {}

  /**
   * Resolves or rejects only once the group's COMMIT is on disk — refusals
   * and idempotent replays too: they may rest on what earlier use cases of
   * the group wrote, and must not reach a client if a crash loses that.
   */
  async run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const { outcome, group } = await this.mutex.runExclusive(() => this.runInGroup(work));
    await group.committed;
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  read<T>(work: () => Promise<T>, inUseCase: boolean): Promise<T> {
    return this.mutex.runExclusive(() => {
      if (!inUseCase && this.group) this.commit(this.group);
      return work();
    });
  }

  /** The one connection as a pool: in use while the mutex is held; callers queued behind it wait. */
  poolStats(): { inUse: number; waiting: number } {
    const { held, waiting } = this.mutex.stats;
    return { inUse: held ? 1 : 0, waiting };
  }

  /** Read-only work in one read transaction, after any open group has committed; writers of this process wait. */
  snapshot<T>(work: () => Promise<T>): Promise<T> {
    return this.mutex.runExclusive(async () => {
      if (this.group) this.commit(this.group);
      this.exec('BEGIN');
      try {
        return await work();
      } finally {
        this.exec('COMMIT');
      }
    });
  }

  /** One statement on the shared connection, prepared once per name; inside a use case only. */
  query<T>(name: string, text: string, values: unknown[]): T[] {
    const statement = this.prepared(name, text);
    if (statement.reader) return statement.all(...values) as T[];
    statement.run(...values);
    return [];
  }

  private async runInGroup<T>(work: (em: EntityManager) => Promise<T>): Promise<{ outcome: Outcome<T>; group: CommitGroup }> {
    const runner = (this.sharedRunner ??= this.dataSource.createQueryRunner());
    const group = this.group ?? (await this.begin());
    this.exec('SAVEPOINT use_case');
    markTransaction(runner, true);
    try {
      const value = await this.ambient.run(runner.manager, () => work(runner.manager));
      this.exec('RELEASE use_case');
      return { outcome: { ok: true, value }, group };
    } catch (error) {
      this.undo(group);
      return { outcome: { ok: false, error }, group };
    } finally {
      markTransaction(runner, false);
      if (++group.size >= MAX_GROUP) this.commit(group);
    }
  }

  private async begin(): Promise<CommitGroup> {
    await this.takeWriteLock();
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const committed = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    committed.catch(() => undefined); // a group whose use cases all failed has no listener
    const group: CommitGroup = { size: 0, committed, resolve, reject };
    this.group = group;
    setImmediate(() => this.outside.runInAsyncScope(() => void this.mutex.runExclusive(() => Promise.resolve(this.commit(group)))));
    return group;
  }

  /**
   * BEGIN IMMEDIATE without blocking the event loop while another connection
   * holds the write lock (busy_timeout would sleep the whole process — and
   * with it the group commit that would release a lock held in this process).
   */
  private async takeWriteLock(): Promise<void> {
    const db = this.connection();
    this.busyTimeout ??= db.pragma('busy_timeout', { simple: true }) as number;
    const busyTimeout = this.busyTimeout;
    const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
    for (let attempt = 1; ; attempt++) {
      db.pragma('busy_timeout = 0');
      try {
        this.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      } finally {
        db.pragma(`busy_timeout = ${busyTimeout}`);
      }
      await sleep(Math.min(20, attempt));
    }
  }

  private commit(group: CommitGroup): void {
    if (this.group !== group) return;
    this.group = null;
    try {
      this.exec('COMMIT');
      group.resolve();
    } catch (error) {
      this.abort(error, group);
    }
  }

  /** A failed use case: back to its savepoint; if even that fails, the whole group is lost. */
  private undo(group: CommitGroup): void {
    try {
      this.exec('ROLLBACK TO use_case');
      this.exec('RELEASE use_case');
    } catch (error) {
      if (this.group === group) this.group = null;
      this.abort(error, group);
    }
  }

  private abort(error: unknown, group: CommitGroup): void {
    try {
      this.exec('ROLLBACK');
    } catch {
      // no transaction left to roll back
    }
    group.reject(error);
  }

  private exec(sql: string): void {
    this.prepared(sql, sql).run();
  }

  private prepared(name: string, text: string): Database.Statement {
    let statement = this.statements.get(name);
    if (!statement) {
      statement = this.connection().prepare(text);
      this.statements.set(name, statement);
    }
    return statement;
  }

  private connection(): Database.Database {
    return (this.dataSource.driver as BetterSqlite3Driver).databaseConnection as Database.Database;
  }
}
