import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const MONEY_MOVEMENT = 'atm:money-movement';
/** The OpenAPI extension that marks a money-moving operation (its Idempotency-Key may be mandatory). */
export const MONEY_MOVEMENT_EXTENSION = 'x-money-movement';

/**
 * Marks a POST that moves money or cash (deposit, withdraw, transfer, ATM
 * withdrawal/deposit, reversals, corrections). Without an Idempotency-Key a
 * 503 or a dropped connection leaves its outcome unknown, so with
 * REQUIRE_IDEMPOTENCY_KEY=true the idempotency interceptor refuses it
 * without one. A new money-moving route only needs this decorator.
 */
export const MovesMoney = (): MethodDecorator =>
  applyDecorators(SetMetadata(MONEY_MOVEMENT, true), ApiExtension(MONEY_MOVEMENT_EXTENSION, true));
