import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AuditModule } from '../audit/audit.module';
import { MachinesModule } from '../machines/machines.module';
import { ClientsController } from './clients.controller';
import { ClientsService } from './clients.service';
import { DemoClientsSeeder } from './demo-clients.seeder';

@Module({
  imports: [AuthModule, AuditModule, MachinesModule],
  controllers: [ClientsController],
  providers: [ClientsService, DemoClientsSeeder],
  exports: [ClientsService],
})
export class ClientsModule {}
