import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { MovesMoney } from '../common/money-movement.decorator';
import { LedgerIdPipe, MachineIdPipe } from '../common/path-params';
import { MachineParam } from '../machines/machines.controller';
import { AtmReversalDto } from './dto/reversal.dto';
import { AtmReversalView } from './reversal.view';
import { ReversalsService } from './reversals.service';

/** An ATM's reversal advice: the ledger stays append-only, the withdrawal is undone by a new row. */
@ApiTags('machines')
@Controller('machines')
export class AtmReversalsController {
  constructor(private readonly reversals: ReversalsService) {}

  @Post(':id/withdrawals/:transaction_id/reversal')
  @Roles(['admin'], 'own-machine')
  @MovesMoney()
  @ApiOperation({
    summary: 'ATM reversal advice: give back what a failed dispense did not hand out',
    description:
      'The ATM took the money but did not hand out all of it (jam, timeout, notes retracted). `dispensed` is what did ' +
      'leave the machine (absent or empty: nothing). The account is credited the withdrawal amount less the value of ' +
      '`dispensed` and the other pieces go back into their cassettes (capacity not checked), in one `atm_reversal` ledger ' +
      'row (`reverses` = the withdrawal). At most once per withdrawal; accepted whatever the account and machine status; ' +
      "the amount given back no longer counts toward that day's withdrawals. Older than REVERSAL_WINDOW_SECONDS: 422.",
  })
  @MachineParam()
  @ApiParam({ name: 'transaction_id', description: 'The `atm_withdrawal` ledger row', example: 42 })
  @ApiCreatedResponse({ type: AtmReversalView })
  @ApiProblems(400, [404, ['MACHINE_NOT_FOUND', 'TRANSACTION_NOT_FOUND']], [409, ['ALREADY_REVERSED']], 413, 415, [
    422,
    ['NOT_REVERSIBLE', 'INVALID_REVERSAL', 'REVERSAL_WINDOW_CLOSED'],
  ])
  reverseAtmWithdrawal(
    @Param('id', MachineIdPipe) machineId: string,
    @Param('transaction_id', LedgerIdPipe) transactionId: number,
    @Body() dto: AtmReversalDto,
  ): Promise<AtmReversalView> {
    return this.reversals.reverseAtmWithdrawal(machineId, transactionId, dto);
  }
}
