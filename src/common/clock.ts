/** ISO 8601 UTC timestamp with milliseconds, the form every stored and returned time takes. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** The UTC calendar day (`YYYY-MM-DD`) that daily limits count in. */
export function utcDay(iso: string): string {
  return iso.slice(0, 10);
}
