import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { formatMoney, formatMoneyOrNull } from '../common/money';
import { parseCash } from './cassette-cash';
import { LEDGER_TYPES, LedgerEntry, LedgerType } from './ledger-entry.entity';

/** A ledger row as read: the stored columns and the derived id of the row that undid it. */
export type ReadLedgerEntry = LedgerEntry & { reversedBy: number | null };

export class CashCountView {
  @ApiProperty({ example: '20.00' }) denomination: string;
  /** Signed from the machine's view: + into the cassettes, − out of them. */
  @ApiProperty({ example: -3 }) count: number;
}

/** A ledger row as the API shows it ("a transaction"). */
export class LedgerEntryView {
  @ApiProperty({ example: 42 }) id: number;
  @ApiProperty({ enum: LEDGER_TYPES }) type: LedgerType;
  @ApiProperty({ type: String, nullable: true, example: '1001' }) account_number: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'atm-001' }) machine_id: string | null;
  /** Signed from the account's view; null for machine-only events. */
  @ApiProperty({ type: String, nullable: true, example: '-60.00' }) amount: string | null;
  @ApiProperty({ type: String, nullable: true, example: '440.00' }) balance_after: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) transfer_id: string | null;
  @ApiProperty({ type: String, nullable: true }) counterparty_account: string | null;
  @ApiProperty({ type: [CashCountView], nullable: true }) cash: CashCountView[] | null;
  @ApiProperty({ type: String, nullable: true }) reference: string | null;
  /** The client that wrote the row (`system` for seeding; `bootstrap` for ADMIN_API_KEY). */
  @ApiProperty({ example: 'teller-7' }) actor: string;
  /** The `X-Request-Id` of the request that wrote the row; null when written outside a request. */
  @ApiProperty({ type: String, nullable: true }) request_id: string | null;
  /** The id of the transaction this row undoes (reversals), or null. */
  @ApiProperty({ type: Number, nullable: true, example: null }) reverses: number | null;
  /** The id of the transaction that undid this row, or null. */
  @ApiProperty({ type: Number, nullable: true, example: null }) reversed_by: number | null;
  @ApiProperty({ example: '2026-11-21T10:15:30.123Z' }) created_at: string;
}

export class LedgerPageView {
  @ApiProperty({ type: [LedgerEntryView] }) items: LedgerEntryView[];
  @ApiPropertyOptional({ type: String, nullable: true }) next_cursor: string | null;
}

export function toLedgerEntryView(entry: ReadLedgerEntry): LedgerEntryView {
  const cash = parseCash(entry.cash);
  return {
    id: entry.id,
    type: entry.type,
    account_number: entry.accountNumber,
    machine_id: entry.machineId,
    amount: formatMoneyOrNull(entry.amount),
    balance_after: formatMoneyOrNull(entry.balanceAfter),
    transfer_id: entry.transferId,
    counterparty_account: entry.counterpartyAccount,
    cash: cash && cash.map((c) => ({ denomination: formatMoney(c.denomination), count: c.count })),
    reference: entry.reference,
    actor: entry.actor,
    request_id: entry.requestId,
    reverses: entry.reverses,
    reversed_by: entry.reversedBy,
    created_at: entry.createdAt,
  };
}
