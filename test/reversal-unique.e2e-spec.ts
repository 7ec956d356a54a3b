// A session-4 CI run on SQLite once saw a direct second reversal of one row
// resolve instead of failing on uq_ledger_reverses; never reproduced since
// (150 iterations with concurrent requests, the original spec rerun under
// load). Kept as a regression test: the index is the last line of defence
// behind ALREADY_REVERSED, so it must refuse every time, on both databases.
import { PostingService } from '../src/ledger/posting.service';
import { bill, createMachine } from './helpers/machines';
import { createTestApp, TestApp, uniqueAccountNumber } from './helpers/test-app';

describe('A ledger row is reversed at most once, whoever posts the reversal', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  it('a second atm_reversal posted straight to the posting core is refused by the unique index, 40 times in a row, with other requests in flight', async () => {
    const posting = t.app.get(PostingService);
    const account = uniqueAccountNumber('fl');
    await t.http().post('/accounts').send({ account_number: account, initial_deposit: '100000.00' }).expect(201);
    const machine = await createMachine(t, [bill('20.00', 500)]);
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await t.http().post(`/machines/${machine}/withdrawals`).send({ account_number: account, amount: '60.00' });
      expect(res.status).toBe(201);
      const id = res.body.transaction_id as number;
      const reverse = () =>
        posting.post({
          type: 'atm_reversal',
          legs: [{ account, amount: 6000n, reverses: id }],
          machine: { id: machine, cash: [{ denomination: 2000n, count: 3 }] },
        });
      const noise = Array.from({ length: i % 5 }, () => t.http().post(`/accounts/${account}/deposit`).send({ amount: '1.00' }));
      await reverse();
      outcomes.push(
        await reverse().then(
          () => 'resolved',
          (e: Error) => (/unique/i.test(e.message) ? 'refused by the unique index' : e.message),
        ),
      );
      await Promise.all(noise);
    }
    expect(outcomes).toEqual(outcomes.map(() => 'refused by the unique index'));
  });
});
