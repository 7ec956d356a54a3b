// Every migration, in order. The app and the CLI (ormconfig.ts) load this
// list rather than a glob, so the same set runs under ts-node, jest and dist.
// `npm run migration:generate` writes a new file here: add its class below.
import { CoreSchema1763700000000 } from './1763700000000-core-schema';
import { IdempotencyKeys1763700000001 } from './1763700000001-idempotency-keys';
import { Machines1763720000000 } from './1763720000000-machines';
import { LedgerIntegrity1764000000000 } from './1764000000000-ledger-integrity';
import { LowCash1764200000000 } from './1764200000000-low-cash';
import { ClientsAndAudit1764100000000 } from './1764100000000-clients-and-audit';
import { ReversalReason1764300000000 } from './1764300000000-reversal-reason';
import { IdempotencyLedgerEntry1764400000000 } from './1764400000000-idempotency-ledger-entry';
import { LedgerPartialIndexes1764500000000 } from './1764500000000-ledger-partial-indexes';

export const MIGRATIONS = [
  CoreSchema1763700000000,
  Machines1763720000000,
  IdempotencyKeys1763700000001,
  LedgerIntegrity1764000000000,
  ClientsAndAudit1764100000000,
  LowCash1764200000000,
  ReversalReason1764300000000,
  IdempotencyLedgerEntry1764400000000,
  LedgerPartialIndexes1764500000000,
];
