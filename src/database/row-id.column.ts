import { Column, getMetadataArgsStorage, PrimaryColumn } from 'typeorm';
import { DbType } from '../config/app-config';
import { intTransformer } from './bigint.transformer';

/** The columns declared with RowIdColumn: their SQL type depends on the database. */
const rowIdColumns: Array<{ target: object; propertyName: string }> = [];

/**
 * An auto-incrementing 64-bit id. SQLite makes only a column typed exactly
 * `integer` its 64-bit rowid (and allows AUTOINCREMENT only there); Postgres
 * needs `bigint` for 64 bits. The entity cannot know which database it runs
 * on, so the type is set by useRowIdType when the data source is configured.
 * Ids stay JS numbers: exact up to 2^53 − 1, far beyond any ledger's life.
 */
export function RowIdColumn(): PropertyDecorator {
  return (target, propertyName) => {
    PrimaryColumn({ type: 'integer', generated: 'increment', transformer: intTransformer })(target, propertyName);
    rowIdColumns.push({ target: target.constructor, propertyName: String(propertyName) });
  };
}

/** A nullable column holding a RowIdColumn's value (a foreign key to it): the same type. */
export function RowIdReferenceColumn(name: string): PropertyDecorator {
  return (target, propertyName) => {
    Column({ name, type: 'integer', nullable: true, transformer: intTransformer })(target, propertyName);
    rowIdColumns.push({ target: target.constructor, propertyName: String(propertyName) });
  };
}

/** Gives every RowIdColumn (and reference to one) its type on `dbType`; called before a data source builds its metadata. */
export function useRowIdType(dbType: DbType): void {
  const type = dbType === 'postgres' ? 'bigint' : 'integer';
  for (const column of getMetadataArgsStorage().columns) {
    if (rowIdColumns.some((c) => c.target === column.target && c.propertyName === column.propertyName)) column.options.type = type;
  }
}
