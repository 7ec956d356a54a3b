import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { LedgerModule } from '../ledger/ledger.module';
import { Account } from './account.entity';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { DemoAccountsSeeder } from './demo-accounts.seeder';
import { TransfersController } from './transfers.controller';
import { TransfersService } from './transfers.service';

@Module({
  imports: [TypeOrmModule.forFeature([Account]), LedgerModule, AuditModule],
  controllers: [AccountsController, TransfersController],
  providers: [AccountsService, TransfersService, DemoAccountsSeeder],
  exports: [AccountsService],
})
export class AccountsModule {}
