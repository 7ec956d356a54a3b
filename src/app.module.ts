import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AccountsModule } from './accounts/accounts.module';
import { ClockModule } from './common/clock';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ClientsModule } from './clients/clients.module';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { StrictQueryInterceptor } from './common/strict-query.interceptor';
import { AppValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { LoggingModule } from './logging.module';
import { MachinesModule } from './machines/machines.module';
import { MetricsModule } from './metrics/metrics.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { ReversalsModule } from './reversals/reversals.module';
import { LedgerModule } from './ledger/ledger.module';

@Module({
  imports: [
    AppConfigModule,
    ClockModule,
    LoggingModule,
    DatabaseModule,
    MetricsModule,
    AuthModule,
    LedgerModule,
    AccountsModule,
    MachinesModule,
    ClientsModule,
    AuditModule,
    ReversalsModule,
    HealthModule,
    IdempotencyModule,
    RateLimitModule,
    ReconciliationModule,
  ],
  providers: [
    { provide: APP_PIPE, inject: [AppConfig], useFactory: (config: AppConfig) => new AppValidationPipe(config.maxTransactionAmount) },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    // Here, not in a feature module: AppModule's providers apply first, so this runs before the idempotency interceptor.
    { provide: APP_INTERCEPTOR, useClass: StrictQueryInterceptor },
  ],
})
export class AppModule {}
