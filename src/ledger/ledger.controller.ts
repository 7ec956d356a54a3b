import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems.decorator';
import { LedgerIdPipe } from '../common/path-params';
import { LedgerService } from './ledger.service';
import { LedgerEntryView } from './ledger-entry.view';
import { Roles } from '../auth/roles.decorator';

@ApiTags('transactions')
@Controller('transactions')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Roles(['admin', 'teller', 'auditor'])
  @Get(':id')
  @ApiOperation({ summary: 'Get one ledger row by id' })
  @ApiParam({ name: 'id', example: 42 })
  @ApiOkResponse({ type: LedgerEntryView })
  @ApiProblems(400, 404)
  get(@Param('id', LedgerIdPipe) id: number): Promise<LedgerEntryView> {
    return this.ledger.findById(id);
  }
}
