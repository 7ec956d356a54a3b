import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { ReconciliationService } from './reconciliation.service';
import { ReconciliationView } from './reconciliation.view';

@ApiTags('operations')
@Controller('reconciliation')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Roles(['admin', 'auditor'])
  @Get()
  @ApiOperation({
    summary: 'Check every balance against its ledger sum and every cassette count against its ledger cash',
    description:
      'On one consistent snapshot. `ok` is false when anything mismatched; mismatches are listed (at most 1000 ' +
      'of each kind) with their total count. The same check runs as `npm run reconcile` (exit status 1 on a mismatch).',
  })
  @ApiOkResponse({ type: ReconciliationView })
  @ApiProblems(400)
  check(): Promise<ReconciliationView> {
    return this.reconciliation.check();
  }
}
