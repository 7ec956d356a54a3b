// The one place that turns decimal text into integer minor units and back.
// Money is a bigint of minor units (cents) everywhere else: never a float.

export const MINOR_DIGITS = 2;
const SCALE = 10n ** BigInt(MINOR_DIGITS);
const AMOUNT_TEXT = /^(\d+)(?:\.(\d{1,2}))?$/;
// Longest accepted integer part: keeps a hostile 25-digit amount from ever
// reaching arithmetic or the database, whatever MAX_TRANSACTION_AMOUNT says.
const MAX_INTEGER_DIGITS = 15;

export type ParsedMoney = { ok: true; minor: bigint } | { ok: false; message: string };

/** Parses a request amount given as `"10.50"` or as a JSON number with at most 2 decimals. */
export function parseMoney(input: unknown): ParsedMoney {
  if (typeof input === 'string') return parseMoneyText(input);
  if (typeof input === 'number') return parseMoneyNumber(input);
  return { ok: false, message: 'must be a decimal string like "10.50" or a number' };
}

function parseMoneyText(text: string): ParsedMoney {
  const match = AMOUNT_TEXT.exec(text);
  if (!match) return { ok: false, message: 'must match ^\\d+(\\.\\d{1,2})?$, e.g. "10.50"' };
  const [, whole, fraction = ''] = match;
  if (whole.replace(/^0+(?=\d)/, '').length > MAX_INTEGER_DIGITS) {
    return { ok: false, message: 'is too large' };
  }
  return { ok: true, minor: BigInt(whole) * SCALE + BigInt(fraction.padEnd(MINOR_DIGITS, '0')) };
}

function parseMoneyNumber(value: number): ParsedMoney {
  if (!Number.isFinite(value)) return { ok: false, message: 'must be a finite number' };
  if (value < 0) return { ok: false, message: 'must be positive' };
  if (value >= 10 ** MAX_INTEGER_DIGITS) return { ok: false, message: 'is too large' };
  // The shortest round-trip text of a double is what the client wrote (10.5,
  // 0.1): parse that text, so binary noise never becomes cents. Below the size
  // cap only tiny fractions (5e-7) print in exponent form: too many decimals.
  const parsed = parseMoneyText(String(value));
  return parsed.ok ? parsed : { ok: false, message: 'must have at most 2 decimals' };
}

/** Formats minor units as the contract's money string: exactly 2 decimals, `-` for negatives. */
export function formatMoney(minor: bigint): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const whole = abs / SCALE;
  const fraction = (abs % SCALE).toString().padStart(MINOR_DIGITS, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Formats a nullable amount (ledger rows of machine-only events have none). */
export function formatMoneyOrNull(minor: bigint | null | undefined): string | null {
  return minor === null || minor === undefined ? null : formatMoney(minor);
}

/** Parses trusted configuration text such as `"1000000.00"`; throws on anything else. */
export function parseConfigMoney(text: string, name: string): bigint {
  const parsed = parseMoneyText(text.trim());
  if (!parsed.ok) throw new Error(`${name} ${parsed.message}`);
  return parsed.minor;
}

/** Minor units of an amount the validation pipe has already accepted. */
export function toMinorUnits(value: unknown): bigint {
  const parsed = parseMoney(value);
  if (!parsed.ok) throw new TypeError(`unvalidated amount: ${parsed.message}`);
  return parsed.minor;
}
