// Regression found by the reliability suite's network partition (Postgres):
// a transaction whose statement hit pg's query_timeout left its connection in
// the pool with the transaction still open on the server (pg drops the queued
// ROLLBACK), and the next transaction on that connection committed it.
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import { TransactionRunner } from '../src/database/transaction-runner';
import { TcpProxy } from './reliability/harness/tcp-proxy';
import { isPostgres } from './helpers/test-app';

const describePostgres = isPostgres() ? describe : describe.skip;

describePostgres('TransactionRunner after a statement timeout (Postgres)', () => {
  const table = `partition_probe_${process.pid}_${Date.now()}`;
  let proxy: TcpProxy;
  let dataSource: DataSource;
  let runner: TransactionRunner;

  beforeAll(async () => {
    const direct = new URL(process.env.DATABASE_URL as string);
    proxy = new TcpProxy(direct.hostname, Number(direct.port || 5432));
    const proxied = new URL(direct.toString());
    proxied.port = String(await proxy.listen());
    // One pooled connection, so the next transaction gets the very same one.
    dataSource = new DataSource({ type: 'postgres', url: proxied.toString(), extra: { max: 1, query_timeout: 300 } });
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE "${table}" (id text)`);
    runner = new TransactionRunner(dataSource, AppConfig.fromEnv({ ...process.env, DB_TYPE: 'postgres' }));
  });

  afterAll(async () => {
    proxy.heal();
    await dataSource?.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => undefined);
    await dataSource?.destroy().catch(() => undefined);
    await proxy?.cut();
  });

  it('never lets the next transaction on the pooled connection commit the timed-out one', async () => {
    const failed = runner.run(async (em) => {
      await em.query(`INSERT INTO "${table}" (id) VALUES ('half-done')`);
      proxy.partition();
      await em.query('SELECT 1');
    });
    await expect(failed).rejects.toThrow(/timeout/i);
    await sleep(700); // longer than a ROLLBACK would wait: pg drops it from its queue
    proxy.heal();
    await runner.run((em) => em.query(`INSERT INTO "${table}" (id) VALUES ('next')`));
    const rows = await dataSource.query(`SELECT id FROM "${table}" ORDER BY id`);
    expect(rows).toEqual([{ id: 'next' }]);
  });
});
