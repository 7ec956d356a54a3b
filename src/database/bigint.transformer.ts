import { ValueTransformer } from 'typeorm';

// pg returns int8 as a string; better-sqlite3 (with safe integers on) as a
// bigint. Both become a bigint of minor units here, and go back as text so no
// driver ever sees a float.
export const bigintTransformer: ValueTransformer = {
  from: (value: unknown): bigint | null => (value === null || value === undefined ? null : BigInt(value as string)),
  to: (value: unknown): string | null | undefined =>
    value === null || value === undefined ? (value as null | undefined) : String(value),
};

// Integer ids fit in a JS number; sqlite hands them over as bigint.
export const intTransformer: ValueTransformer = {
  from: (value: unknown): number | null => (value === null || value === undefined ? null : Number(value)),
  to: (value: unknown) => value,
};
