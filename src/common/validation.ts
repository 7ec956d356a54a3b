import { ValidationError, ValidationPipe } from '@nestjs/common';
import { registerDecorator, ValidationOptions } from 'class-validator';
import { DomainError } from './domain-error';
import { parseMoney } from './money';
import { FieldError } from './problems';

/** An amount as the contract accepts it: `"10.50"` or a number with at most 2 decimals. */
export function IsMoney(options: { allowZero?: boolean } = {}, validation?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isMoney',
      target: target.constructor,
      propertyName: String(propertyName),
      options: validation,
      validator: {
        validate: (value: unknown) => {
          const parsed = parseMoney(value);
          return parsed.ok && (options.allowZero ? parsed.minor >= 0n : parsed.minor > 0n);
        },
        defaultMessage: (args) => {
          // Name what is wrong with this value: "is too large" is clearer than a range.
          const parsed = parseMoney(args?.value);
          const reason = parsed.ok ? `must be ${options.allowZero ? 'zero or more' : 'greater than 0'}` : parsed.message;
          return `$property ${reason}: a string like "10.50" or a number with at most 2 decimals`;
        },
      },
    });
}

// C0 controls (NUL among them) and DEL. Postgres cannot store NUL in text at
// all (the insert failed: a 500); none belongs in a name or a reference.
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's whole job
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** The same rule as an OpenAPI `pattern`, for the free-text fields' schemas. */
export const PLAIN_TEXT_PATTERN = '^[^\\u0000-\\u001f\\u007f]*$';

/** Free text (names, locations, references): no control characters. */
export function IsPlainText(validation?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPlainText',
      target: target.constructor,
      propertyName: String(propertyName),
      options: validation,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !CONTROL_CHARACTER.test(value),
        defaultMessage: () => '$property must not contain control characters (U+0000–U+001F, U+007F)',
      },
    });
}

/** Unicode code points: how Postgres' varchar(n) and SQLite's length() count (UTF-16 units and class-validator's Length do not). */
export function codePointLength(value: string): number {
  return [...value].length;
}

/**
 * Free text (names, locations, references, reasons): `min`–`max` Unicode code
 * points — exactly what the column holds on both databases, so a value that
 * passes always fits (class-validator's Length skips U+FE0E/U+FE0F, and text
 * it let through failed on Postgres: a 500) — and no control characters.
 */
export function IsText(min: number, max: number, validation?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    IsPlainText(validation)(target, propertyName);
    registerDecorator({
      name: 'isText',
      target: target.constructor,
      propertyName: String(propertyName),
      options: validation,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || (codePointLength(value) >= min && codePointLength(value) <= max),
        defaultMessage: () => `$property must be ${min}–${max} characters (Unicode code points)`,
      },
    });
  };
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = !parent ? error.property : /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field: path, message }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/**
 * ValidationPipe, minus its conversion of single path and query parameters:
 * with `transform` on it turns `"1e3"` into 1000 and `"0x10"` into 16 for a
 * `number` parameter before the parameter's own pipe (TransactionIdPipe) sees
 * it, so `/transactions/1e3` read row 1000. The parameter pipes parse strictly.
 */
class StrictValidationPipe extends ValidationPipe {
  protected transformPrimitive(value: unknown): unknown {
    return value;
  }
}

/** Whitelist + forbid unknown fields; failures become 400 VALIDATION_FAILED with `errors`. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const detail = fields.map((f) => f.message).join('; ') || 'The request is not valid';
      return new DomainError('VALIDATION_FAILED', detail, fields);
    },
  });
}
