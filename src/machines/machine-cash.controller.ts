import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems.decorator';
import { MovesMoney } from '../common/money-movement.decorator';
import { MachineIdPipe } from '../common/path-params';
import { AtmService } from './atm.service';
import { CashInventoryService } from './cash-inventory.service';
import { AtmDepositDto, AtmWithdrawalDto, RefillDto } from './dto/cash-movement.dto';
import { EmptyBodyPipe } from './dto/empty-body.pipe';
import { MachineParam } from './machines.controller';
import { AtmDepositView, AtmWithdrawalView, CashEventView } from './machine.view';
import { Roles } from '../auth/roles.decorator';

/** Routes that move cash into or out of a machine. */
@ApiTags('machines')
@Controller('machines')
export class MachineCashController {
  constructor(
    private readonly atm: AtmService,
    private readonly inventory: CashInventoryService,
  ) {}

  @Roles(['admin', 'operator'])
  @Post(':id/refill')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Add pieces to cassettes (allowed out of service)',
    description: 'Distinct denominations the machine has a cassette for; count 1..1000000; writes one `refill` ledger row.',
  })
  @MachineParam()
  @ApiOkResponse({ type: CashEventView })
  @ApiProblems(400, [404, ['MACHINE_NOT_FOUND']], 413, 415, [422, ['UNKNOWN_DENOMINATION', 'CASSETTE_CAPACITY_EXCEEDED']])
  refill(@Param('id', MachineIdPipe) id: string, @Body() dto: RefillDto): Promise<CashEventView> {
    return this.inventory.refill(id, dto);
  }

  @Roles(['admin', 'operator'])
  @Post(':id/maintenance')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reset every cassette to its initial count (allowed out of service)',
    description: 'Body `{}` or none. Writes one `maintenance_reset` ledger row with the signed deltas of the cassettes that moved.',
  })
  @MachineParam()
  @ApiBody({ required: false, schema: { type: 'object', properties: {}, additionalProperties: false, example: {} } })
  @ApiOkResponse({ type: CashEventView })
  @ApiProblems(400, [404, ['MACHINE_NOT_FOUND']], 413, 415)
  maintenance(@Param('id', MachineIdPipe) id: string, @Body(EmptyBodyPipe) _body: Record<string, never>): Promise<CashEventView> {
    return this.inventory.maintenance(id);
  }

  @Roles(['admin'], 'own-machine')
  @Post(':id/withdrawals')
  @MovesMoney()
  @ApiOperation({
    summary: 'ATM withdrawal: debit the account and dispense the fewest pieces',
    description:
      'One transaction: account debit (counts toward the daily limit), cassette counts and one `atm_withdrawal` ' +
      'ledger row. The dispense uses the fewest pieces with at most MAX_COINS_PER_WITHDRAWAL coins.',
  })
  @MachineParam()
  @ApiCreatedResponse({ type: AtmWithdrawalView })
  @ApiProblems(400, [404, ['MACHINE_NOT_FOUND', 'ACCOUNT_NOT_FOUND']], [409, ['MACHINE_OUT_OF_SERVICE', 'ACCOUNT_NOT_ACTIVE']], 413, 415, [
    422,
    ['AMOUNT_TOO_LARGE', 'INSUFFICIENT_FUNDS', 'DAILY_LIMIT_EXCEEDED', 'CANNOT_DISPENSE', 'TOO_MANY_COINS'],
  ])
  withdraw(@Param('id', MachineIdPipe) id: string, @Body() dto: AtmWithdrawalDto): Promise<AtmWithdrawalView> {
    return this.atm.withdraw(id, dto);
  }

  @Roles(['admin'], 'own-machine')
  @Post(':id/deposits')
  @MovesMoney()
  @ApiOperation({
    summary: 'ATM cash deposit: credit the account with the sum of the pieces',
    description: 'amount = Σ denomination × count, at most MAX_TRANSACTION_AMOUNT (400). One transaction, one `atm_deposit` ledger row.',
  })
  @MachineParam()
  @ApiCreatedResponse({ type: AtmDepositView })
  @ApiProblems(400, [404, ['MACHINE_NOT_FOUND', 'ACCOUNT_NOT_FOUND']], [409, ['MACHINE_OUT_OF_SERVICE', 'ACCOUNT_NOT_ACTIVE']], 413, 415, [
    422,
    ['UNKNOWN_DENOMINATION', 'CASSETTE_CAPACITY_EXCEEDED'],
  ])
  deposit(@Param('id', MachineIdPipe) id: string, @Body() dto: AtmDepositDto): Promise<AtmDepositView> {
    return this.atm.deposit(id, dto);
  }
}
