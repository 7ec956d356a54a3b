import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { LedgerModule } from '../ledger/ledger.module';
import { AtmService } from './atm.service';
import { CashInventoryService } from './cash-inventory.service';
import { CashMetrics } from './cash.metrics';
import { Cassette } from './cassette.entity';
import { DemoMachineSeeder } from './demo-machine.seeder';
import { MachineCashController } from './machine-cash.controller';
import { Machine } from './machine.entity';
import { MachinesController } from './machines.controller';
import { MachinesService } from './machines.service';

@Module({
  imports: [TypeOrmModule.forFeature([Machine, Cassette]), LedgerModule, AuditModule],
  controllers: [MachinesController, MachineCashController],
  providers: [MachinesService, CashInventoryService, AtmService, DemoMachineSeeder, CashMetrics],
  exports: [MachinesService],
})
export class MachinesModule {}
