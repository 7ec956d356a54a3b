import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { MovesMoney } from '../common/money-movement.decorator';
import { LedgerIdPipe } from '../common/path-params';
import { CorrectionDto } from './dto/reversal.dto';
import { CorrectionView } from './reversal.view';
import { ReversalsService } from './reversals.service';

/** Corrections of teller movements: compensating rows, never an edit of the ledger. */
@ApiTags('transactions')
@Controller('transactions')
export class CorrectionsController {
  constructor(private readonly reversals: ReversalsService) {}

  @Post(':id/reversal')
  @Roles(['admin'])
  @HttpCode(200)
  @MovesMoney()
  @ApiOperation({
    summary: 'Correct a teller movement with compensating rows (admin)',
    description:
      'Undoes a teller `deposit` or `withdrawal`, or a transfer given either leg (both legs together), with `reversal` ' +
      'rows whose `reverses` is the undone row. Account status does not matter; a correction that would take a balance ' +
      'below -overdraft_limit is 422 INSUFFICIENT_FUNDS. ATM, refill, reset and reversal rows are 422 NOT_REVERSIBLE. ' +
      "Undoing a withdrawal gives its amount back to the daily withdrawal limit of the withdrawal's own UTC day " +
      '(room used today comes back today; an older day has already rolled over); undoing a deposit never counts as a withdrawal.',
  })
  @ApiParam({ name: 'id', description: 'The ledger row to undo', example: 42 })
  @ApiOkResponse({ type: CorrectionView })
  @ApiProblems(400, [404, ['TRANSACTION_NOT_FOUND']], [409, ['ALREADY_REVERSED']], 413, 415, [
    422,
    ['NOT_REVERSIBLE', 'INSUFFICIENT_FUNDS'],
  ])
  correct(@Param('id', LedgerIdPipe) id: number, @Body() dto: CorrectionDto): Promise<CorrectionView> {
    return this.reversals.correct(id, dto);
  }
}
