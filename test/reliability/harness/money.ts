// Money in the suite: minor units as bigint, like the product; the contract's
// strings ("-49.50") converted both ways without floating point.

export function toMinor(text: string): bigint {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(text);
  if (!match) throw new Error(`not a money string: ${JSON.stringify(text)}`);
  const minor = BigInt(match[2]) * 100n + BigInt(match[3]);
  return match[1] === '-' ? -minor : minor;
}

export function toText(minor: bigint): string {
  const abs = minor < 0n ? -minor : minor;
  return `${minor < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** A random amount in [min, max] minor units. */
export function randomMinor(min: number, max: number): bigint {
  return BigInt(min + Math.floor(Math.random() * (max - min + 1)));
}

/** The amount as a request sends it: usually "12.34", sometimes the JSON number 12.34. */
export function asRequestAmount(minor: bigint): string | number {
  const text = toText(minor);
  return Math.random() < 0.2 ? Number(text) : text;
}
