import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems.decorator';
import { MovesMoney } from '../common/money-movement.decorator';
import { KeyClaimedByPosting } from '../idempotency/idempotency-claim';
import { Page, PageQueryDto } from '../common/pagination';
import { AccountNumberPipe } from '../common/path-params';
import { LedgerPageView, LedgerEntryView } from '../ledger/ledger-entry.view';
import { AccountsService } from './accounts.service';
import { AccountView, BalanceView, MovementView } from './account.view';
import { CreateAccountDto } from './dto/create-account.dto';
import { MoneyMovementDto } from './dto/money-movement.dto';
import { UpdateAccountDto } from './dto/update-account.dto';
import { Roles } from '../auth/roles.decorator';

const AccountParam = () => ApiParam({ name: 'n', description: 'Account number, 1–34 of [A-Za-z0-9_-]', example: '1001' });

@ApiTags('accounts')
@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Roles(['admin', 'teller'])
  @Post()
  @ApiOperation({ summary: 'Open an account (number generated when absent)' })
  @ApiCreatedResponse({ type: AccountView })
  @ApiProblems(400, [409, ['ACCOUNT_EXISTS']], 413, 415)
  open(@Body() dto: CreateAccountDto): Promise<AccountView> {
    return this.accounts.open(dto);
  }

  @Roles(['admin', 'teller', 'auditor'])
  @Get(':n')
  @ApiOperation({ summary: 'Get an account' })
  @AccountParam()
  @ApiOkResponse({ type: AccountView })
  @ApiProblems(400, [404, ['ACCOUNT_NOT_FOUND']])
  get(@Param('n', AccountNumberPipe) n: string): Promise<AccountView> {
    return this.accounts.get(n);
  }

  @Roles(['admin', 'teller'])
  @Patch(':n')
  @ApiOperation({ summary: 'Change holder name, status (active/frozen/closed) or limits' })
  @AccountParam()
  @ApiOkResponse({ type: AccountView })
  @ApiProblems(400, [404, ['ACCOUNT_NOT_FOUND']], [409, ['ACCOUNT_NOT_ACTIVE', 'ACCOUNT_NOT_EMPTY']], 413, 415)
  update(@Param('n', AccountNumberPipe) n: string, @Body() dto: UpdateAccountDto): Promise<AccountView> {
    return this.accounts.update(n, dto);
  }

  @Roles(['admin', 'teller', 'auditor'], 'any')
  @Get(':n/balance')
  @ApiOperation({ summary: 'Get the balance and available balance' })
  @AccountParam()
  @ApiOkResponse({ type: BalanceView })
  @ApiProblems(400, [404, ['ACCOUNT_NOT_FOUND']])
  balance(@Param('n', AccountNumberPipe) n: string): Promise<BalanceView> {
    return this.accounts.balance(n);
  }

  @Roles(['admin', 'teller'])
  @Post(':n/deposit')
  @MovesMoney()
  @KeyClaimedByPosting()
  @HttpCode(200)
  @ApiOperation({ summary: 'Teller deposit' })
  @AccountParam()
  @ApiOkResponse({ type: MovementView })
  @ApiProblems(400, [404, ['ACCOUNT_NOT_FOUND']], [409, ['ACCOUNT_NOT_ACTIVE']], 413, 415)
  deposit(@Param('n', AccountNumberPipe) n: string, @Body() dto: MoneyMovementDto): Promise<MovementView> {
    return this.accounts.deposit(n, dto.amount, dto.reference);
  }

  @Roles(['admin', 'teller'])
  @Post(':n/withdraw')
  @MovesMoney()
  @KeyClaimedByPosting()
  @HttpCode(200)
  @ApiOperation({ summary: 'Teller withdrawal (overdraft and daily limit apply)' })
  @AccountParam()
  @ApiOkResponse({ type: MovementView })
  @ApiProblems(400, [404, ['ACCOUNT_NOT_FOUND']], [409, ['ACCOUNT_NOT_ACTIVE']], 413, 415, [
    422,
    ['INSUFFICIENT_FUNDS', 'DAILY_LIMIT_EXCEEDED'],
  ])
  withdraw(@Param('n', AccountNumberPipe) n: string, @Body() dto: MoneyMovementDto): Promise<MovementView> {
    return this.accounts.withdraw(n, dto.amount, dto.reference);
  }

  @Roles(['admin', 'teller', 'auditor'])
  @Get(':n/transactions')
  @ApiOperation({ summary: "Page through the account's ledger rows, newest first" })
  @AccountParam()
  @ApiOkResponse({ type: LedgerPageView })
  @ApiProblems(400, [404, ['ACCOUNT_NOT_FOUND']])
  history(@Param('n', AccountNumberPipe) n: string, @Query() page: PageQueryDto): Promise<Page<LedgerEntryView>> {
    return this.accounts.history(n, page.limit ?? 50, page.cursor);
  }
}
