import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';

/**
 * A body that must carry nothing: `{}` or no body at all. The global
 * ValidationPipe refuses an empty DTO class outright (forbidUnknownValues),
 * so this pipe does the whitelist check itself, with the same message.
 */
@Injectable()
export class EmptyBodyPipe implements PipeTransform<unknown, Record<string, never>> {
  transform(value: unknown): Record<string, never> {
    if (value === undefined || value === null) return {};
    const fields = typeof value === 'object' ? Object.keys(value) : [''];
    if (fields.length === 0) return {};
    const errors = fields.map((field) => ({ field, message: field ? `property ${field} should not exist` : 'must be a JSON object' }));
    throw new DomainError('VALIDATION_FAILED', errors.map((e) => e.message).join('; '), errors);
  }
}
