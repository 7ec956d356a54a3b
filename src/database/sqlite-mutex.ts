import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * FIFO, re-entrant mutex. TypeORM's better-sqlite3 driver shares one
 * connection and does not queue transactions, so in SQLite mode every
 * database access goes through this: a nested call from the same async
 * context (the holder) runs at once, every other caller waits its turn.
 */
export class SqliteMutex {
  private readonly holder = new AsyncLocalStorage<symbol>();
  private tail: Promise<void> = Promise.resolve();
  private current: symbol | null = null;
  /** Callers queued behind the holder (the metrics' "waiting"). */
  private queued = 0;

  /** Held by someone, and how many wait for it. */
  get stats(): { held: boolean; waiting: number } {
    return { held: this.current !== null, waiting: this.queued };
  }

  get heldHere(): boolean {
    const owner = this.holder.getStore();
    return owner !== undefined && owner === this.current;
  }

  async runExclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.heldHere) return work();
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    this.queued++;
    await previous;
    this.queued--;
    const token = Symbol('sqlite-lock');
    this.current = token;
    try {
      return await this.holder.run(token, work);
    } finally {
      this.current = null;
      release();
    }
  }
}
