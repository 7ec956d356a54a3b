// The operations of the bank workload and their answers.
import { Reply, Request } from './http';

export type OpKind = 'deposit' | 'withdraw' | 'transfer' | 'atm' | 'reversal' | 'correction';

export interface Op {
  kind: OpKind;
  key: string;
  request: Request;
  account: string;
  to?: string;
  machine?: string;
  amount: bigint;
  /** Reversals and corrections: the ledger row undone, and the signed change to the account when applied. */
  target?: number;
  delta?: bigint;
}

export interface Outcome {
  op: Op;
  reply: Reply;
}
