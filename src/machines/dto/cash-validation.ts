import { registerDecorator, ValidationArguments } from 'class-validator';
import { parseMoney } from '../../common/money';
import { markMoneyField } from '../../common/validation';

// Request bounds of the machines API (documented in OpenAPI and the README).
// They keep every sum far below 2^53 minor units: 20 cassettes × 10^6 pieces
// × 100000.00 is 2·10^14.
export const MAX_DENOMINATION_MINOR = 10_000_000n;
export const MAX_DENOMINATION_TEXT = '100000.00';
export const MAX_PIECES = 1_000_000;
export const MAX_CASH_LINES = 20;
export const DENOMINATION_SCHEMA = {
  oneOf: [
    { type: 'string', pattern: '^\\d+(\\.\\d{1,2})?$', example: '20.00' },
    { type: 'number', example: 20 },
  ],
  description: `A money value > 0 and <= ${MAX_DENOMINATION_TEXT}, "20.00" (a number with at most 2 decimals is accepted too)`,
};

/** A denomination: a money value > 0 and at most MAX_DENOMINATION. */
export function IsDenomination(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    markMoneyField(target, propertyName, false);
    registerDecorator({
      name: 'isDenomination',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => {
          const parsed = parseMoney(value);
          return parsed.ok && parsed.minor > 0n && parsed.minor <= MAX_DENOMINATION_MINOR;
        },
        defaultMessage: () => `$property must be a money value greater than 0 and at most ${MAX_DENOMINATION_TEXT}, e.g. "20.00"`,
      },
    });
  };
}

/** No two lines of a cash list name the same denomination ("20" and "20.00" are the same). */
export function DistinctDenominations(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'distinctDenominations',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (lines: unknown) => {
          if (!Array.isArray(lines)) return true; // IsArray reports it
          const seen = new Set<bigint>();
          for (const line of lines as Array<{ denomination?: unknown } | null>) {
            const parsed = parseMoney(line?.denomination);
            if (!parsed.ok) continue; // the line's own validation reports it
            if (seen.has(parsed.minor)) return false;
            seen.add(parsed.minor);
          }
          return true;
        },
        defaultMessage: () => '$property must not name the same denomination twice',
      },
    });
}

/** A cassette cannot start with more pieces than it holds. */
export function CountWithinCapacity(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'countWithinCapacity',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (count: unknown, args: ValidationArguments) => {
          const capacity = (args.object as { capacity?: unknown }).capacity;
          return typeof count !== 'number' || typeof capacity !== 'number' || count <= capacity;
        },
        defaultMessage: () => '$property must be at most capacity',
      },
    });
}
