import { constants } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Below this much free space the next WAL write may fail with SQLITE_FULL. */
export const SQLITE_MIN_FREE_BYTES = 1024 * 1024;

/**
 * Whether SQLite can write `file` now, without writing a table: the file (and
 * its WAL, when there is one) must be writable by this process and its
 * filesystem must have room. A read-only file still answers `SELECT 1` and
 * even `BEGIN IMMEDIATE`, and a full disk too: only writes fail — so a
 * readiness probe that only reads stays green while every write fails.
 * Resolves to null when writable, else to why not.
 */
export async function sqliteWriteProblem(path: string): Promise<string | null> {
  if (path === ':memory:') return null;
  const file = resolve(path);
  for (const target of [file, `${file}-wal`]) {
    try {
      await access(target, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && target !== file) continue;
      return `${target} is not writable (${code ?? 'error'})`;
    }
  }
  const fs = await statfs(dirname(file));
  const free = fs.bavail * fs.bsize;
  return free < SQLITE_MIN_FREE_BYTES ? `only ${free} bytes free next to ${file}` : null;
}
