import { ValueTransformer } from 'typeorm';

// pg returns int8 as a string; better-sqlite3 (with safe integers on) as a
// bigint. Both become a bigint of minor units here, and go back as text so no
// driver ever sees a float.

/** A driver's int8 (pg: text, better-sqlite3: bigint) as a bigint; raw-SQL row mappers use it too. */
export function driverBigint(value: unknown): bigint {
  return BigInt(value as string);
}

export function driverBigintOrNull(value: unknown): bigint | null {
  return value === null || value === undefined ? null : driverBigint(value);
}

export const bigintTransformer: ValueTransformer = {
  from: driverBigintOrNull,
  to: (value: bigint | number | string | null | undefined): string | null | undefined =>
    value === null || value === undefined ? value : String(value),
};

// Integer ids fit in a JS number; sqlite hands them over as bigint.
export const intTransformer: ValueTransformer = {
  from: (value: unknown): number | null => (value === null || value === undefined ? null : Number(value)),
  to: (value: unknown) => value,
};
