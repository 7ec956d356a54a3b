import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Roles(['admin', 'auditor'])
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'Process metrics; `atm_http_requests_total` and `atm_http_request_duration_seconds` by method, route template and ' +
      'status; `atm_money_movements_total` and `atm_money_moved_minor_units_total` by type; `atm_idempotent_replays_total`; ' +
      '`atm_db_pool_connections_in_use` and `atm_db_pool_waiting`; `atm_cassette_count` by machine and denomination; ' +
      '`atm_machines` by cash_status and `atm_machine_cash_status` per machine. Cash gauges are read from the database ' +
      'when scraped.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format 0.0.4', schema: { type: 'string' } })
  @ApiProblems(400)
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
