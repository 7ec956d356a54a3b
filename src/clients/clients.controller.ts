import { Body, Controller, Get, HttpCode, Injectable, Param, PipeTransform, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { ApiProblems } from '../common/api-problems.decorator';
import { validationError } from '../common/domain-error';
import { Page, PageQueryDto } from '../common/pagination';
import { EmptyBodyPipe } from '../machines/dto/empty-body.pipe';
import { ClientPageView, ClientView, ClientWithKeyView } from './client.view';
import { ClientsService } from './clients.service';
import { CreateClientDto } from './dto/create-client.dto';

@Injectable()
class ClientIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw validationError('id', 'must be 1–64 characters of [A-Za-z0-9_-]');
    return value;
  }
}

const ClientParam = () => ApiParam({ name: 'id', description: 'Client id', example: 'cl_4f1c9a2e0d4b4c1e' });

@ApiTags('clients')
@Controller('clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Roles(['admin'])
  @Post()
  @ApiOperation({ summary: 'Make a client and its API key (shown only in this response)' })
  @ApiCreatedResponse({ type: ClientWithKeyView })
  @ApiProblems(400, [404, ['MACHINE_NOT_FOUND']], 413, 415)
  create(@Body() dto: CreateClientDto): Promise<ClientWithKeyView> {
    return this.clients.create({ name: dto.name, role: dto.role, machineId: dto.machine_id });
  }

  @Roles(['admin', 'auditor'])
  @Get()
  @ApiOperation({ summary: 'Page through clients, newest first (never a key)' })
  @ApiOkResponse({ type: ClientPageView })
  @ApiProblems(400)
  list(@Query() page: PageQueryDto): Promise<Page<ClientView>> {
    return this.clients.list(page.limit ?? 50, page.cursor);
  }

  @Roles(['admin', 'auditor'])
  @Get(':id')
  @ClientParam()
  @ApiOperation({ summary: 'One client' })
  @ApiOkResponse({ type: ClientView })
  @ApiProblems(400, [404, ['CLIENT_NOT_FOUND']])
  get(@Param('id', ClientIdPipe) id: string): Promise<ClientView> {
    return this.clients.get(id);
  }

  @Roles(['admin'])
  @Post(':id/rotate')
  @HttpCode(200)
  @ClientParam()
  @ApiOperation({ summary: 'A new key for the client (shown only in this response); the old one is refused from then on' })
  @ApiOkResponse({ type: ClientWithKeyView })
  @ApiProblems(400, [404, ['CLIENT_NOT_FOUND']], [409, ['CLIENT_REVOKED']], 413, 415)
  rotate(@Param('id', ClientIdPipe) id: string, @Body(EmptyBodyPipe) _body: Record<string, never>): Promise<ClientWithKeyView> {
    return this.clients.rotate(id);
  }

  @Roles(['admin'])
  @Post(':id/revoke')
  @HttpCode(200)
  @ClientParam()
  @ApiOperation({ summary: 'Revoke the client for good: its key is refused from then on' })
  @ApiOkResponse({ type: ClientView })
  @ApiProblems(400, [404, ['CLIENT_NOT_FOUND']], [409, ['CLIENT_REVOKED']], 413, 415)
  revoke(@Param('id', ClientIdPipe) id: string, @Body(EmptyBodyPipe) _body: Record<string, never>): Promise<ClientView> {
    return this.clients.revoke(id);
  }
}
