import { Injectable, PipeTransform } from '@nestjs/common';
import { validationError } from './domain-error';

export const ACCOUNT_NUMBER_PATTERN = /^[A-Za-z0-9_-]{1,34}$/;
export const MACHINE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

// Bad path parameters are 400, never 404 (API.md, "Conventions").
@Injectable()
export class AccountNumberPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ACCOUNT_NUMBER_PATTERN.test(value)) {
      throw validationError('account_number', 'must be 1–34 characters of [A-Za-z0-9_-]');
    }
    return value;
  }
}

@Injectable()
export class MachineIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!MACHINE_ID_PATTERN.test(value)) {
      throw validationError('machine_id', 'must be 1–64 characters of [A-Za-z0-9_-]');
    }
    return value;
  }
}

@Injectable()
export class LedgerIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,14}$/.test(value)) throw validationError('id', 'must be a positive integer');
    return Number(value);
  }
}
