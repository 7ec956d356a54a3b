import { SqliteMutex } from './sqlite-mutex';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SqliteMutex', () => {
  it('runs callers one at a time in arrival order', async () => {
    const mutex = new SqliteMutex();
    const events: string[] = [];
    const job = (name: string) =>
      mutex.runExclusive(async () => {
        events.push(`${name}:start`);
        await tick();
        await tick();
        events.push(`${name}:end`);
      });
    await Promise.all([job('a'), job('b'), job('c')]);
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('lets the holder re-enter without deadlocking, and others still wait', async () => {
    const mutex = new SqliteMutex();
    const events: string[] = [];
    const outer = mutex.runExclusive(async () => {
      events.push('outer');
      await tick();
      await mutex.runExclusive(async () => {
        await tick();
        events.push('inner');
      });
      events.push('outer:end');
    });
    const other = mutex.runExclusive(() => {
      events.push('other');
      return Promise.resolve();
    });
    await Promise.all([outer, other]);
    expect(events).toEqual(['outer', 'inner', 'outer:end', 'other']);
  });

  it('releases the lock when the work throws', async () => {
    const mutex = new SqliteMutex();
    await expect(mutex.runExclusive(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.runExclusive(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('does not treat work started after release as the holder', async () => {
    const mutex = new SqliteMutex();
    let escaped: Promise<string> | undefined;
    await mutex.runExclusive(() => {
      // A promise chain that outlives the lock keeps the async context but must queue again.
      escaped = new Promise<void>((resolve) => setTimeout(resolve, 5)).then(() => String(mutex.heldHere));
      return Promise.resolve();
    });
    await expect(escaped).resolves.toBe('false');
  });
});
