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
        defaultMessage: () =>
          `$property must be ${options.allowZero ? 'zero or more' : 'greater than 0'}: a string like "10.50" or a number with at most 2 decimals`,
      },
    });
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = !parent ? error.property : /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field: path, message }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** Whitelist + forbid unknown fields; failures become 400 VALIDATION_FAILED with `errors`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
