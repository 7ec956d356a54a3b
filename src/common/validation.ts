import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { registerDecorator, ValidationOptions } from 'class-validator';
import { DomainError } from './domain-error';
import { formatMoney, parseMoney, toMinorUnits } from './money';
import { FieldError } from './problems';

type Constructor = abstract new (...args: never[]) => object;

/** The money fields of each DTO class: the pipe turns them into bigint minor units. */
const MONEY_FIELDS = new Map<Constructor, Map<string, { capped: boolean }>>();
/** Sums a DTO's money must stay within MAX_TRANSACTION_AMOUNT (an ATM deposit's cash), by the field to name. */
const CAPPED_TOTALS = new Map<Constructor, { field: string; total: (dto: never) => bigint }>();

/** Marks a field the validation pipe turns into bigint minor units once it is valid. */
export function markMoneyField(target: object, propertyName: string | symbol, capped: boolean): void {
  const type = target.constructor as Constructor;
  const fields = MONEY_FIELDS.get(type) ?? new Map<string, { capped: boolean }>();
  fields.set(String(propertyName), { capped });
  MONEY_FIELDS.set(type, fields);
}

/** The class's money, once converted, sums to at most MAX_TRANSACTION_AMOUNT (400 naming `field`). */
export function CappedTotal<T extends object>(field: string, total: (dto: T) => bigint): ClassDecorator {
  return (target) => {
    CAPPED_TOTALS.set(target as unknown as Constructor, { field, total });
  };
}

/**
 * An amount as the contract accepts it: `"10.50"` or a number with at most 2
 * decimals. After validation the field holds bigint minor units; `capped`:
 * at most MAX_TRANSACTION_AMOUNT (else 400 naming the field).
 */
export function IsMoney(options: { allowZero?: boolean; capped?: boolean } = {}, validation?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    markMoneyField(target, propertyName, options.capped ?? false);
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
  };
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

/** IsText's rule for text that arrives outside a request body (operator commands): the reason it fails, or null. */
export function textProblem(value: string, min: number, max: number): string | null {
  if (CONTROL_CHARACTER.test(value)) return 'must not contain control characters (U+0000–U+001F, U+007F)';
  const length = codePointLength(value);
  return length < min || length > max ? `must be ${min}–${max} characters (Unicode code points)` : null;
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

function validationFailed(fields: FieldError[]): DomainError {
  const detail = fields.map((f) => f.message).join('; ') || 'The request is not valid';
  return new DomainError('VALIDATION_FAILED', detail, fields);
}

/**
 * Whitelist + forbid unknown fields; failures become 400 VALIDATION_FAILED
 * with `errors`. Money is typed here, at the edge: once a body is valid its
 * money fields become bigint minor units (the one parse) and the capped ones
 * are checked against MAX_TRANSACTION_AMOUNT; services never see text.
 */
export class AppValidationPipe extends ValidationPipe {
  constructor(private readonly maxAmount: bigint) {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => validationFailed(flatten(errors)),
    });
  }

  /**
   * No conversion of single path and query parameters: with `transform` on,
   * ValidationPipe turns `"1e3"` into 1000 and `"0x10"` into 16 for a `number`
   * parameter before the parameter's own pipe (LedgerIdPipe) sees it, so
   * `/transactions/1e3` read row 1000. The parameter pipes parse strictly.
   */
  protected override transformPrimitive(value: unknown): unknown {
    return value;
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const valid: unknown = await super.transform(value, metadata);
    const errors: FieldError[] = [];
    this.typeMoney(valid, '', errors);
    if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.field} ${e.message}`).join('; '), errors);
    return valid;
  }

  private typeMoney(value: unknown, path: string, errors: FieldError[]): void {
    if (Array.isArray(value)) return value.forEach((item, index) => this.typeMoney(item, `${path}[${index}]`, errors));
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const fields = MONEY_FIELDS.get(value.constructor as Constructor);
    for (const [key, child] of Object.entries(record)) {
      const field = path ? `${path}.${key}` : key;
      const money = fields?.get(key);
      if (!money) this.typeMoney(child, field, errors);
      else if (child !== null && child !== undefined) record[key] = this.minor(toMinorUnits(child), money.capped, field, errors);
    }
    const capped = CAPPED_TOTALS.get(value.constructor as Constructor);
    if (capped) this.minor(capped.total(value as never), true, path ? `${path}.${capped.field}` : capped.field, errors);
  }

  private minor(amount: bigint, capped: boolean, field: string, errors: FieldError[]): bigint {
    if (capped && amount > this.maxAmount) errors.push({ field, message: `must be at most ${formatMoney(this.maxAmount)}` });
    return amount;
  }
}
