import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyKey } from './idempotency-key.entity';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { DEFAULT_IDEMPOTENCY_OPTIONS, IDEMPOTENCY_OPTIONS, IdempotencyPruner } from './idempotency.pruner';
import { IdempotencyStore } from './idempotency.store';

/** Idempotency-Key on every POST route: one global interceptor, no per-route code. */
@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyKey])],
  providers: [
    IdempotencyStore,
    IdempotencyPruner,
    { provide: IDEMPOTENCY_OPTIONS, useValue: DEFAULT_IDEMPOTENCY_OPTIONS },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class IdempotencyModule {}
