import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems.decorator';
import { Page, PageQueryDto } from '../common/pagination';
import { MachineListQueryDto } from './dto/machine-list-query.dto';
import { MachineIdPipe } from '../common/path-params';
import { LedgerPageView, LedgerEntryView } from '../ledger/ledger-entry.view';
import { CreateMachineDto } from './dto/create-machine.dto';
import { UpdateMachineDto } from './dto/update-machine.dto';
import { InventoryView, MachinePageView, MachineView, TotalView } from './machine.view';
import { MachinesService } from './machines.service';
import { Roles } from '../auth/roles.decorator';

export const MachineParam = () => ApiParam({ name: 'id', description: 'Machine id, 1–64 of [A-Za-z0-9_-]', example: 'atm-001' });

@ApiTags('machines')
@Controller('machines')
export class MachinesController {
  constructor(private readonly machines: MachinesService) {}

  @Roles(['admin', 'operator'])
  @Post()
  @ApiOperation({
    summary: 'Register a machine with its cassettes',
    description:
      'One cassette per denomination (1–20); count 0..capacity, capacity 1..1000000. The initial counts are ' +
      'written to the ledger as a `refill` row, and are what maintenance resets the cassettes to.',
  })
  @ApiCreatedResponse({ type: MachineView })
  @ApiProblems(400, [409, ['MACHINE_EXISTS']], 413, 415)
  create(@Body() dto: CreateMachineDto): Promise<MachineView> {
    return this.machines.create(dto);
  }

  @Roles(['admin', 'operator', 'auditor'])
  @Get()
  @ApiOperation({
    summary: 'Page through machines, newest first',
    description: '`cash_status=low|empty|ok` lists only the machines with exactly that cash status (which ones need cash).',
  })
  @ApiOkResponse({ type: MachinePageView })
  @ApiProblems(400)
  list(@Query() query: MachineListQueryDto): Promise<Page<MachineView>> {
    return this.machines.list(query.limit ?? 50, query.cursor, query.cash_status);
  }

  @Roles(['admin', 'operator', 'auditor'], 'own-machine')
  @Get(':id')
  @ApiOperation({ summary: 'Get a machine' })
  @MachineParam()
  @ApiOkResponse({ type: MachineView })
  @ApiProblems(400, [404, ['MACHINE_NOT_FOUND']])
  get(@Param('id', MachineIdPipe) id: string): Promise<MachineView> {
    return this.machines.get(id);
  }

  @Roles(['admin', 'operator'])
  @Patch(':id')
  @ApiOperation({
    summary: "Change name, location, status (in_service / out_of_service) or cassettes' low_threshold",
    description:
      '`cassettes`: a non-empty list of `{ denomination, low_threshold }` (both required, nothing else; ' +
      '`low_threshold: null` means never low). A denomination the machine has no cassette for is 422 `UNKNOWN_DENOMINATION`.',
  })
  @MachineParam()
  @ApiOkResponse({ type: MachineView })
  @ApiProblems(400, [404, ['MACHINE_NOT_FOUND']], 413, 415, [422, ['UNKNOWN_DENOMINATION']])
  update(@Param('id', MachineIdPipe) id: string, @Body() dto: UpdateMachineDto): Promise<MachineView> {
    return this.machines.update(id, dto);
  }

  @Roles(['admin', 'operator', 'auditor'], 'own-machine')
  @Get(':id/inventory')
  @ApiOperation({ summary: 'Cassette counts and the cash total' })
  @MachineParam()
  @ApiOkResponse({ type: InventoryView })
  @ApiProblems(400, [404, ['MACHINE_NOT_FOUND']])
  inventory(@Param('id', MachineIdPipe) id: string): Promise<InventoryView> {
    return this.machines.inventory(id);
  }

  @Roles(['admin', 'operator', 'auditor'], 'own-machine')
  @Get(':id/total')
  @ApiOperation({ summary: 'The cash total (sum of denomination × count)' })
  @MachineParam()
  @ApiOkResponse({ type: TotalView })
  @ApiProblems(400, [404, ['MACHINE_NOT_FOUND']])
  total(@Param('id', MachineIdPipe) id: string): Promise<TotalView> {
    return this.machines.total(id);
  }

  @Roles(['admin', 'operator', 'auditor'])
  @Get(':id/transactions')
  @ApiOperation({ summary: "Page through the machine's ledger rows, newest first" })
  @MachineParam()
  @ApiOkResponse({ type: LedgerPageView })
  @ApiProblems(400, [404, ['MACHINE_NOT_FOUND']])
  history(@Param('id', MachineIdPipe) id: string, @Query() page: PageQueryDto): Promise<Page<LedgerEntryView>> {
    return this.machines.history(id, page.limit ?? 50, page.cursor);
  }
}
