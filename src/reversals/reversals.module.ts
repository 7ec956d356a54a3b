import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { MachinesModule } from '../machines/machines.module';
import { AtmReversalsController } from './atm-reversals.controller';
import { CorrectionsController } from './corrections.controller';
import { ReversalsService } from './reversals.service';

/** Undoing movements: ATM reversal advices and teller corrections, posted by the ledger's core. */
@Module({
  imports: [LedgerModule, MachinesModule],
  controllers: [AtmReversalsController, CorrectionsController],
  providers: [ReversalsService],
})
export class ReversalsModule {}
