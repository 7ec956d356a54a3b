import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { prepareDatabase } from './database-boot';
import { dataSourceOptions } from './data-source-options';
import { SqlStatements } from './sql-statements';
import { TransactionRunner } from './transaction-runner';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const options = dataSourceOptions(config);
        await prepareDatabase({ ...options, migrationsRun: false }, config);
        // prepareDatabase waited for the database and migrated it; a failure
        // now is the boot's failure, not something for TypeORM to retry.
        return { ...options, migrationsRun: false, autoLoadEntities: true, retryAttempts: 1, retryDelay: 0 };
      },
    }),
  ],
  providers: [
    TransactionRunner,
    // Chosen once, at start: nothing outside this folder asks which database it is.
    {
      provide: SqlStatements,
      inject: [AppConfig, TransactionRunner],
      useFactory: (config: AppConfig, runner: TransactionRunner) => SqlStatements.for(config.dbType, runner),
    },
  ],
  exports: [TransactionRunner, SqlStatements],
})
export class DatabaseModule {}
