import { balanceAndLedger, openAccount } from './helpers/bank';
import { bill, cassetteCounts, coin, createMachine, expectCassettesMatchLedger, snapshot, uniqueMachineId } from './helpers/machines';
import { createTestApp, TestApp, uniqueAccountNumber } from './helpers/test-app';

type Setup = { machine: string; account: string };

describe('machines: ATM withdrawals and deposits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const withdraw = (machine: string, account_number: string, amount: unknown) =>
    t.http().post(`/machines/${machine}/withdrawals`).send({ account_number, amount });
  const deposit = (machine: string, account_number: string, cash: unknown) =>
    t.http().post(`/machines/${machine}/deposits`).send({ account_number, cash });
  const noSetup = () => Promise.resolve();
  const freeze = (account: string) => t.http().patch(`/accounts/${account}`).send({ status: 'frozen' });
  const outOfService = (machine: string) => t.http().patch(`/machines/${machine}`).send({ status: 'out_of_service' });

  async function expectConsistent(machine: string, accounts: string[]): Promise<void> {
    await expectCassettesMatchLedger(t, machine);
    for (const account of accounts) {
      const { balance, ledger } = await balanceAndLedger(t, account);
      expect(balance).toBe(ledger);
    }
  }

  describe('POST /machines/{id}/withdrawals', () => {
    it('pays 60.00 from one 50 and three 20s as three 20s, in one ledger row', async () => {
      const machine = await createMachine(t, [bill('50.00', 1), bill('20.00', 3)]);
      const account = await openAccount(t, '500.00');
      const res = await withdraw(machine, account, '60.00');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        transaction_id: expect.any(Number),
        account_number: account,
        balance: '440.00',
        amount: '60.00',
        dispensed: [{ denomination: '20.00', kind: 'bill', count: 3 }],
      });
      const row = await t.http().get(`/transactions/${res.body.transaction_id}`);
      expect(row.body).toMatchObject({
        type: 'atm_withdrawal',
        account_number: account,
        machine_id: machine,
        amount: '-60.00',
        balance_after: '440.00',
        cash: [{ denomination: '20.00', count: -3 }],
      });
      expect(Object.fromEntries(await cassetteCounts(t, machine))).toEqual({ 5000: 1, 2000: 0 });
      await expect(t.http().get(`/machines/${machine}/total`)).resolves.toMatchObject({ body: { total: '50.00' } });
      const history = await t.http().get(`/accounts/${account}/transactions`);
      expect(history.body.items[0]).toMatchObject({ id: res.body.transaction_id, type: 'atm_withdrawal' });
      await expectConsistent(machine, [account]);
    });

    it('uses the fewest pieces, mixing bills and coins, largest first', async () => {
      const machine = await createMachine(t, [bill('5.00', 5), coin('0.25', 40), coin('0.05', 100), bill('1.00', 10)]);
      const account = await openAccount(t, '100.00');
      const res = await withdraw(machine, account, 7.75);
      expect(res.status).toBe(201);
      expect(res.body.dispensed).toEqual([
        { denomination: '5.00', kind: 'bill', count: 1 },
        { denomination: '1.00', kind: 'bill', count: 2 },
        { denomination: '0.25', kind: 'coin', count: 3 },
      ]);
      await expectConsistent(machine, [account]);
    });

    it('pays up to MAX_COINS_PER_WITHDRAWAL coins (50) and refuses one more with TOO_MANY_COINS', async () => {
      const machine = await createMachine(t, [coin('0.01', 200)]);
      const account = await openAccount(t, '10.00');
      const ok = await withdraw(machine, account, '0.50');
      expect(ok.status).toBe(201);
      expect(ok.body.dispensed).toEqual([{ denomination: '0.01', kind: 'coin', count: 50 }]);
      const before = await snapshot(t, machine, [account]);
      const refused = await withdraw(machine, account, '0.51');
      expect([refused.status, refused.body.code]).toEqual([422, 'TOO_MANY_COINS']);
      await expect(snapshot(t, machine, [account])).resolves.toEqual(before);
    });

    it('pays exactly MAX_ATM_WITHDRAWAL (2000.00) and counts ATM withdrawals toward the daily limit', async () => {
      const machine = await createMachine(t, [bill('100.00', 30), bill('20.00', 10)]);
      const rich = await openAccount(t, '5000.00');
      await expect(withdraw(machine, rich, '2000.00')).resolves.toMatchObject({ status: 201, body: { balance: '3000.00' } });
      const limited = await openAccount(t, '500.00', { daily_withdrawal_limit: '100.00' });
      await expect(withdraw(machine, limited, '60.00')).resolves.toMatchObject({ status: 201 });
      const teller = await t.http().post(`/accounts/${limited}/withdraw`).send({ amount: '50.00' });
      expect([teller.status, teller.body.code]).toEqual([422, 'DAILY_LIMIT_EXCEEDED']);
      await expect(withdraw(machine, limited, '40.00')).resolves.toMatchObject({ status: 201, body: { balance: '400.00' } });
      await expect(withdraw(machine, limited, '20.00')).resolves.toMatchObject({ status: 422, body: { code: 'DAILY_LIMIT_EXCEEDED' } });
      await expectConsistent(machine, [rich, limited]);
    });

    // Each case names every refusal that applies; the first of the contract's order must win.
    const cases: Array<[string, (s: Setup) => Promise<unknown>, () => Partial<Setup>, unknown, number, string]> = [
      [
        'a zero amount at an unknown machine (400 first)',
        noSetup,
        () => ({ machine: uniqueMachineId() }),
        '0.00',
        400,
        'VALIDATION_FAILED',
      ],
      ['a three-decimal amount', noSetup, () => ({}), '10.001', 400, 'VALIDATION_FAILED'],
      ['an exponent amount', noSetup, () => ({}), '1e3', 400, 'VALIDATION_FAILED'],
      ['an amount over MAX_TRANSACTION_AMOUNT', noSetup, () => ({}), '1000000.01', 400, 'VALIDATION_FAILED'],
      ['a bad account number', noSetup, () => ({ account: 'no spaces' }), '20.00', 400, 'VALIDATION_FAILED'],
      [
        'unknown machine and unknown account',
        noSetup,
        () => ({ machine: uniqueMachineId(), account: uniqueAccountNumber() }),
        '20.00',
        404,
        'MACHINE_NOT_FOUND',
      ],
      ['unknown account', noSetup, () => ({ account: uniqueAccountNumber() }), '20.00', 404, 'ACCOUNT_NOT_FOUND'],
      [
        'out of service, frozen account, too large',
        async (s) => {
          await outOfService(s.machine);
          await freeze(s.account);
        },
        () => ({}),
        '2500.00',
        409,
        'MACHINE_OUT_OF_SERVICE',
      ],
      [
        'frozen account, too large, cannot dispense',
        async (s) => await freeze(s.account),
        () => ({}),
        '2500.01',
        409,
        'ACCOUNT_NOT_ACTIVE',
      ],
      ['too large and insufficient funds', noSetup, () => ({}), '2000.01', 422, 'AMOUNT_TOO_LARGE'],
      ['insufficient funds, over the daily limit, cannot dispense', noSetup, () => ({}), '130.00', 422, 'INSUFFICIENT_FUNDS'],
      ['over the daily limit, cannot dispense', noSetup, () => ({}), '95.00', 422, 'DAILY_LIMIT_EXCEEDED'],
      ['no combination of the pieces', noSetup, () => ({}), '30.00', 422, 'CANNOT_DISPENSE'],
      [
        'more than the machine holds',
        async (s) => await t.http().patch(`/accounts/${s.account}`).send({ daily_withdrawal_limit: null }),
        () => ({}),
        '120.00',
        422,
        'CANNOT_DISPENSE',
      ],
      ['only coins beyond the cap', noSetup, () => ({}), '60.51', 422, 'TOO_MANY_COINS'],
    ];
    it.each(cases)('refuses %s and changes nothing', async (_case, prepare, override, amount, status, code) => {
      // Machine total 110.00 + 1.00 in cents; account 120.00 with a 90.00 daily limit.
      const setup = {
        machine: await createMachine(t, [bill('50.00', 1), bill('20.00', 3), coin('0.01', 100)]),
        account: await openAccount(t, '120.00', { daily_withdrawal_limit: '90.00' }),
      };
      await prepare(setup);
      const before = await snapshot(t, setup.machine, [setup.account]);
      const target = { ...setup, ...override() };
      const res = await withdraw(target.machine, target.account, amount);
      expect([res.status, res.body.code]).toEqual([status, code]);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      await expect(snapshot(t, setup.machine, [setup.account])).resolves.toEqual(before);
    });

    it.each([{}, { account_number: '1001' }, { amount: '10.00' }, { account_number: '1001', amount: '10.00', reference: 'x' }])(
      'refuses the body %j with 400',
      async (body) => {
        const machine = await createMachine(t, [bill('10.00', 5)]);
        const res = await t.http().post(`/machines/${machine}/withdrawals`).send(body);
        expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      },
    );
  });

  describe('POST /machines/{id}/deposits', () => {
    it('credits the sum of the pieces and adds them to the cassettes, in one ledger row', async () => {
      const machine = await createMachine(t, [bill('50.00', 0, 5), bill('20.00', 1, 10), coin('0.25', 0, 10)]);
      const account = await openAccount(t, '10.00');
      const res = await deposit(machine, account, [
        { denomination: '20.00', count: 2 },
        { denomination: '0.25', count: 10 },
        { denomination: 50, count: 5 },
      ]);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        transaction_id: expect.any(Number),
        account_number: account,
        balance: '302.50',
        amount: '292.50',
        inventory_total: '312.50',
      });
      const row = await t.http().get(`/transactions/${res.body.transaction_id}`);
      expect(row.body).toMatchObject({
        type: 'atm_deposit',
        account_number: account,
        machine_id: machine,
        amount: '292.50',
        balance_after: '302.50',
        cash: [
          { denomination: '50.00', count: 5 },
          { denomination: '20.00', count: 2 },
          { denomination: '0.25', count: 10 },
        ],
      });
      expect(Object.fromEntries(await cassetteCounts(t, machine))).toEqual({ 5000: 5, 2000: 3, 25: 10 });
      await expectConsistent(machine, [account]);
    });

    const cases: Array<[string, (s: Setup) => Promise<unknown>, () => Partial<Setup>, unknown, number, string]> = [
      ['an empty cash list', noSetup, () => ({}), [], 400, 'VALIDATION_FAILED'],
      ['a zero count', noSetup, () => ({}), [{ denomination: '20.00', count: 0 }], 400, 'VALIDATION_FAILED'],
      ['a negative count', noSetup, () => ({}), [{ denomination: '20.00', count: -2 }], 400, 'VALIDATION_FAILED'],
      ['a fractional count', noSetup, () => ({}), [{ denomination: '20.00', count: 1.5 }], 400, 'VALIDATION_FAILED'],
      [
        'a duplicate denomination',
        noSetup,
        () => ({}),
        [
          { denomination: '20.00', count: 1 },
          { denomination: 20, count: 1 },
        ],
        400,
        'VALIDATION_FAILED',
      ],
      ['a bad denomination', noSetup, () => ({}), [{ denomination: '0.001', count: 1 }], 400, 'VALIDATION_FAILED'],
      [
        'a sum over MAX_TRANSACTION_AMOUNT at an unknown machine',
        noSetup,
        () => ({ machine: uniqueMachineId() }),
        [{ denomination: '20.00', count: 1_000_000 }],
        400,
        'VALIDATION_FAILED',
      ],
      [
        'unknown machine and unknown account',
        noSetup,
        () => ({ machine: uniqueMachineId(), account: uniqueAccountNumber() }),
        [{ denomination: '20.00', count: 1 }],
        404,
        'MACHINE_NOT_FOUND',
      ],
      [
        'unknown account',
        noSetup,
        () => ({ account: uniqueAccountNumber() }),
        [{ denomination: '20.00', count: 1 }],
        404,
        'ACCOUNT_NOT_FOUND',
      ],
      [
        'out of service, frozen, unknown denomination',
        async (s) => {
          await outOfService(s.machine);
          await freeze(s.account);
        },
        () => ({}),
        [{ denomination: '5.00', count: 1 }],
        409,
        'MACHINE_OUT_OF_SERVICE',
      ],
      [
        'frozen account, unknown denomination',
        async (s) => await freeze(s.account),
        () => ({}),
        [{ denomination: '5.00', count: 1 }],
        409,
        'ACCOUNT_NOT_ACTIVE',
      ],
      [
        'unknown denomination next to an overfill',
        noSetup,
        () => ({}),
        [
          { denomination: '20.00', count: 10 },
          { denomination: '5.00', count: 1 },
        ],
        422,
        'UNKNOWN_DENOMINATION',
      ],
      [
        'an overfilled cassette next to a fitting line',
        noSetup,
        () => ({}),
        [
          { denomination: '50.00', count: 1 },
          { denomination: '20.00', count: 10 },
        ],
        422,
        'CASSETTE_CAPACITY_EXCEEDED',
      ],
    ];
    it.each(cases)('refuses %s and changes nothing', async (_case, prepare, override, cash, status, code) => {
      const setup = {
        machine: await createMachine(t, [bill('50.00', 0, 5), bill('20.00', 1, 10)]),
        account: await openAccount(t, '10.00'),
      };
      await prepare(setup);
      const before = await snapshot(t, setup.machine, [setup.account]);
      const target = { ...setup, ...override() };
      const res = await deposit(target.machine, target.account, cash);
      expect([res.status, res.body.code]).toEqual([status, code]);
      await expect(snapshot(t, setup.machine, [setup.account])).resolves.toEqual(before);
    });

    it('fills a cassette exactly to capacity', async () => {
      const machine = await createMachine(t, [bill('20.00', 1, 10)]);
      const account = await openAccount(t);
      await expect(deposit(machine, account, [{ denomination: '20.00', count: 9 }])).resolves.toMatchObject({
        status: 201,
        body: { amount: '180.00', inventory_total: '200.00' },
      });
      await expectConsistent(machine, [account]);
    });
  });

  describe('Idempotency-Key', () => {
    const key = () => `k-${uniqueAccountNumber()}`;

    it('applies a withdrawal, a deposit and a refill once and replays their responses', async () => {
      const machine = await createMachine(t, [bill('20.00', 10, 20)]);
      const account = await openAccount(t, '200.00');
      const calls = [
        () => t.http().post(`/machines/${machine}/withdrawals`),
        () => t.http().post(`/machines/${machine}/deposits`),
        () => t.http().post(`/machines/${machine}/refill`),
      ];
      const bodies = [
        { account_number: account, amount: '40.00' },
        { account_number: account, cash: [{ denomination: '20.00', count: 1 }] },
        { cassettes: [{ denomination: '20.00', count: 3 }] },
      ];
      for (const [i, call] of calls.entries()) {
        const k = key();
        const first = await call().set('Idempotency-Key', k).send(bodies[i]);
        const again = await call().set('Idempotency-Key', k).send(bodies[i]);
        expect(first.status).toBeLessThan(300);
        expect([again.status, again.body, again.headers['idempotent-replayed']]).toEqual([first.status, first.body, 'true']);
      }
      expect(Object.fromEntries(await cassetteCounts(t, machine))).toEqual({ 2000: 10 - 2 + 1 + 3 });
      await expect(t.http().get(`/accounts/${account}/balance`)).resolves.toMatchObject({ body: { balance: '180.00' } });
      await expectConsistent(machine, [account]);
    });

    it('replays a refusal without applying anything, and refuses the key for another body', async () => {
      const machine = await createMachine(t, [bill('20.00', 10)]);
      const account = await openAccount(t, '200.00');
      const k = key();
      const before = await snapshot(t, machine, [account]);
      const post = (amount: string) =>
        t.http().post(`/machines/${machine}/withdrawals`).set('Idempotency-Key', k).send({ account_number: account, amount });
      await expect(post('30.00')).resolves.toMatchObject({ status: 422, body: { code: 'CANNOT_DISPENSE' } });
      const replay = await post('30.00');
      expect([replay.status, replay.body.code, replay.headers['idempotent-replayed']]).toEqual([422, 'CANNOT_DISPENSE', 'true']);
      await expect(post('40.00')).resolves.toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
      await expect(snapshot(t, machine, [account])).resolves.toEqual(before);
    });
  });

  describe('configuration', () => {
    let custom: TestApp;
    beforeAll(async () => {
      custom = await createTestApp({ MAX_ATM_WITHDRAWAL: '100.00', MAX_COINS_PER_WITHDRAWAL: '3' });
    });
    afterAll(async () => {
      await custom.close();
    });

    it('honours MAX_ATM_WITHDRAWAL and MAX_COINS_PER_WITHDRAWAL', async () => {
      const machine = await createMachine(custom, [bill('100.00', 5), coin('0.01', 10)]);
      const account = await openAccount(custom, '500.00');
      const post = (amount: string) => custom.http().post(`/machines/${machine}/withdrawals`).send({ account_number: account, amount });
      await expect(post('100.01')).resolves.toMatchObject({ status: 422, body: { code: 'AMOUNT_TOO_LARGE' } });
      await expect(post('0.04')).resolves.toMatchObject({ status: 422, body: { code: 'TOO_MANY_COINS' } });
      await expect(post('100.00')).resolves.toMatchObject({
        status: 201,
        body: { dispensed: [{ denomination: '100.00', kind: 'bill', count: 1 }] },
      });
      await expect(post('0.03')).resolves.toMatchObject({ status: 201, body: { balance: '399.97' } });
    });
  });
});
