import { setTimeout as sleep } from 'node:timers/promises';
import { Account } from '../src/accounts/account.entity';
import { TransactionRunner } from '../src/database/transaction-runner';
import { balanceAndLedger, openAccount } from './helpers/bank';
import { createTestApp, TestApp } from './helpers/test-app';

// Work inside these transactions yields to the event loop between its read
// and its write, as a real use case does when it awaits anything but the
// database. On SQLite's single shared connection only the runner's mutex
// keeps other requests' statements out of the open transaction.
describe('TransactionRunner on a real database', () => {
  let t: TestApp;
  let runner: TransactionRunner;
  beforeAll(async () => {
    t = await createTestApp();
    runner = t.app.get(TransactionRunner);
  });
  afterAll(async () => {
    await t.close();
  });

  const readLocked = (em: Parameters<Parameters<TransactionRunner['run']>[0]>[0], number: string) =>
    runner.forUpdate(em.createQueryBuilder(Account, 'a').where('a.account_number = :number', { number })).getOneOrFail();

  it('serialises 60 concurrent read-yield-write transactions without losing one', async () => {
    const number = await openAccount(t);
    await Promise.all(
      Array.from({ length: 60 }, () =>
        runner.run(async (em) => {
          const account = await readLocked(em, number);
          await sleep(1);
          await em.update(Account, { accountNumber: number }, { balance: account.balance + 1n });
        }),
      ),
    );
    const [row] = await t.sql<{ balance: unknown }>(`SELECT balance FROM accounts WHERE account_number = '${number}'`);
    expect(BigInt(row.balance as string)).toBe(60n);
  });

  it('query: one name, one SQL text (Postgres would run the statement prepared first under it)', async () => {
    const one = (em: Parameters<Parameters<TransactionRunner['read']>[0]>[0], sql: string) => runner.query(em, 'runner_spec_one', sql, {});
    await expect(runner.read((em) => one(em, 'SELECT 1 AS one'))).resolves.toHaveLength(1);
    await expect(runner.read((em) => one(em, 'SELECT 1 AS one'))).resolves.toHaveLength(1);
    await expect(runner.read((em) => one(em, 'SELECT 2 AS two'))).rejects.toThrow(
      'statement name runner_spec_one is already used for other SQL',
    );
  });

  it('a nested run joins the outer transaction: an outer failure undoes the inner work', async () => {
    const number = await openAccount(t, '5.00');
    await expect(
      runner.run(async (em) => {
        await runner.run((inner) => inner.update(Account, { accountNumber: number }, { balance: 999n }));
        expect(await em.findOneByOrFail(Account, { accountNumber: number })).toMatchObject({ balance: 999n });
        throw new Error('refused after the inner write');
      }),
    ).rejects.toThrow('refused after the inner write');
    await expect(balanceAndLedger(t, number)).resolves.toMatchObject({ balance: 500n, ledger: 500n });
  });

  it('reads wait for an open transaction instead of seeing its uncommitted writes', async () => {
    const number = await openAccount(t, '1.00');
    const writer = runner.run(async (em) => {
      await em.update(Account, { accountNumber: number }, { balance: 777n });
      await sleep(20);
      throw new Error('roll back');
    });
    await sleep(5);
    const seen = await runner.read((em) => em.findOneByOrFail(Account, { accountNumber: number }));
    await expect(writer).rejects.toThrow('roll back');
    expect(seen.balance).toBe(100n);
  });
});
