import { Body, Controller, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems.decorator';
import { MovesMoney } from '../common/money-movement.decorator';
import { TransferView } from './account.view';
import { TransferDto } from './dto/transfer.dto';
import { TransfersService } from './transfers.service';
import { Roles } from '../auth/roles.decorator';

@ApiTags('transfers')
@Controller('transfers')
export class TransfersController {
  constructor(private readonly transfers: TransfersService) {}

  @Roles(['admin', 'teller'])
  @Post()
  @MovesMoney()
  @ApiOperation({ summary: 'Move money between two accounts, atomically' })
  @ApiCreatedResponse({ type: TransferView })
  @ApiProblems(400, [404, ['ACCOUNT_NOT_FOUND']], [409, ['ACCOUNT_NOT_ACTIVE']], 413, 415, [422, ['SAME_ACCOUNT', 'INSUFFICIENT_FUNDS']])
  transfer(@Body() dto: TransferDto): Promise<TransferView> {
    return this.transfers.transfer(dto);
  }
}
