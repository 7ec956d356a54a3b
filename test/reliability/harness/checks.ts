/**
 * Invariant checks of one scenario: each is counted (the figure the README
 * quotes) and every failure is kept with its evidence, so one assertion at
 * the end shows all that broke, not only the first.
 */
export class Checks {
  passed = 0;
  readonly failures: string[] = [];

  check(ok: boolean, describe: () => string): void {
    if (ok) this.passed += 1;
    else if (this.failures.length < 50) this.failures.push(describe());
    else if (this.failures.length === 50) this.failures.push('… more failures left out');
  }

  equal<T>(actual: T, expected: T, what: string): void {
    this.check(actual === expected, () => `${what}: expected ${String(expected)}, got ${String(actual)}`);
  }
}
