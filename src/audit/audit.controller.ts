import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { Page } from '../common/pagination';
import { AuditEventPageView, AuditEventView } from './audit-event.view';
import { AuditService } from './audit.service';
import { AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Roles(['admin', 'auditor'])
  @Get()
  @ApiOperation({ summary: 'Audit events (changes that write no ledger row), newest first' })
  @ApiOkResponse({ type: AuditEventPageView })
  @ApiProblems(400)
  list(@Query() query: AuditQueryDto): Promise<Page<AuditEventView>> {
    const filter = { resourceType: query.resource_type, resourceId: query.resource_id };
    return this.audit.list(filter, query.limit ?? 50, query.cursor);
  }
}
