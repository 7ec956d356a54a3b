import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Database from 'better-sqlite3';
import { resolve } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import type { Role } from './api-client.entity';
import { Principal } from './principal';

const SQL = `SELECT id, role, machine_id FROM api_clients WHERE key_hash = :hash AND revoked_at IS NULL`;

interface Row {
  id: string;
  role: Role;
  machine_id: string | null;
}

/**
 * Reads the client of a key hash, never queued behind writes. Postgres: one
 * prepared autocommit statement (a plain read takes no lock a writer holds).
 * SQLite: the runner's mutex would make every key check wait for the write
 * transactions in front of it, so keys are read on a second, read-only
 * connection: in WAL mode a reader sees the last commit and never waits.
 */
@Injectable()
export class ClientKeysStore implements OnModuleDestroy {
  private reader?: Database.Database;
  private statement?: Database.Statement<[string], Row>;

  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async findActive(hash: string): Promise<Principal | null> {
    const row =
      this.config.dbType === 'postgres' || this.config.sqlitePath === ':memory:' ? await this.readShared(hash) : this.readSqlite(hash);
    return row ? { id: row.id, role: row.role, machineId: row.machine_id } : null;
  }

  onModuleDestroy(): void {
    this.reader?.close();
    this.reader = undefined;
    this.statement = undefined;
  }

  /** Postgres; and an in-memory SQLite database, which no second connection can open. */
  private async readShared(hash: string): Promise<Row | undefined> {
    const read = (em: EntityManager) => this.tx.query<Row>(em, 'auth_client_by_key', SQL, { hash });
    const [row] = this.config.dbType === 'postgres' ? await read(this.dataSource.manager) : await this.tx.read(read);
    return row;
  }

  private readSqlite(hash: string): Row | undefined {
    if (!this.statement) {
      this.reader = new Database(resolve(this.config.sqlitePath), { readonly: true, fileMustExist: true, timeout: 10000 });
      this.statement = this.reader.prepare<[string], Row>(SQL.replace(':hash', '?'));
    }
    return this.statement.get(hash);
  }
}
