import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { DatabaseHealthIndicator } from './database.health';

const INDICATORS: SchemaObject = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['up', 'down'] }, message: { type: 'string' } },
  },
};
/** Terminus' report; this service checks one thing, the database. */
function report(example: object): SchemaObject {
  return {
    type: 'object',
    required: ['status', 'info', 'error', 'details'],
    properties: { status: { type: 'string', enum: ['ok', 'error'] }, info: INDICATORS, error: INDICATORS, details: INDICATORS },
    example,
  };
}
const UP = { database: { status: 'up' } };
const DOWN = { database: { status: 'down', message: 'database unreachable' } };

@ApiTags('health')
@SkipThrottle() // orchestrator probes are never rate-limited
@Public() // and need no key
@Controller('healthz')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
  ) {}

  @Get()
  // Terminus' own documentation shows a Redis check this service does not have.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: 200 while the database answers, 503 with status "error" while it does not' })
  @ApiOkResponse({ description: 'The database answers', schema: report({ status: 'ok', info: UP, error: {}, details: UP }) })
  @ApiServiceUnavailableResponse({
    description: 'The database does not answer (within 2 s): take this instance out of rotation',
    schema: report({ status: 'error', info: {}, error: DOWN, details: DOWN }),
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.database.check('database')]);
    } catch (error) {
      // Orchestrators read terminus' report, not problem+json: answer it as is.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process serves; no database check' })
  @ApiOkResponse({
    description: 'The process serves requests',
    schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } }, example: { status: 'ok' } },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
