import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems.decorator';
import { TransactionIdPipe } from '../common/path-params';
import { LedgerService } from './ledger.service';
import { TransactionView } from './transaction.view';

@ApiTags('transactions')
@Controller('transactions')
export class TransactionsController {
  constructor(private readonly ledger: LedgerService) {}

  @Get(':id')
  @ApiOperation({ summary: 'Get one ledger row by id' })
  @ApiParam({ name: 'id', example: 42 })
  @ApiOkResponse({ type: TransactionView })
  @ApiProblems(400, 404)
  get(@Param('id', TransactionIdPipe) id: number): Promise<TransactionView> {
    return this.ledger.findById(id);
  }
}
