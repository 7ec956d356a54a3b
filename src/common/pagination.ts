import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { validationError } from './domain-error';

/** `?limit&cursor` of every list endpoint. */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50, description: 'Page size' })
  @IsOptional()
  // Plain decimal digits only: Number() would also read `1e1`, `0x10` and ` 16`.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number = 50;

  @ApiPropertyOptional({ description: "Opaque: the previous page's `next_cursor`" })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a cursor returned by a previous page' })
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

// A cursor is the last key of the page, base64url-encoded so clients treat it
// as opaque; keyset paging keeps pages stable under concurrent inserts.
export function encodeCursor(key: string | number): string {
  return Buffer.from(`v1:${key}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('v1:') || text.length < 4) throw validationError('cursor', 'is not a valid cursor');
  return text.slice(3);
}

export function decodeIdCursor(cursor: string | undefined): number | undefined {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  if (!/^\d{1,16}$/.test(key) || Number(key) > Number.MAX_SAFE_INTEGER) throw validationError('cursor', 'is not a valid cursor');
  return Number(key);
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says there is more. */
export function toPage<R, T>(rows: R[], limit: number, view: (row: R) => T, key: (row: R) => string | number): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items: items.map(view), next_cursor: more ? encodeCursor(key(items[items.length - 1])) : null };
}
