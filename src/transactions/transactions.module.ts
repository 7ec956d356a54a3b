import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerEntry } from './ledger-entry.entity';
import { LedgerService } from './ledger.service';
import { TransactionsController } from './transactions.controller';

@Module({
  imports: [TypeOrmModule.forFeature([LedgerEntry])],
  controllers: [TransactionsController],
  providers: [LedgerService],
  exports: [LedgerService],
})
export class TransactionsModule {}
