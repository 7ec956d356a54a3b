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
    // Ids are 64-bit; as JS numbers they are exact up to 2^53 − 1.
    if (!/^[1-9]\d{0,15}$/.test(value) || Number(value) > Number.MAX_SAFE_INTEGER) {
      throw validationError('id', 'must be a positive integer up to 9007199254740991');
    }
    return Number(value);
  }
}
