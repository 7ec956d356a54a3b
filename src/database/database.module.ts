import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { prepareDatabase } from './database-boot';
import { dataSourceOptions } from './data-source-options';
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
  providers: [TransactionRunner],
  exports: [TransactionRunner],
})
export class DatabaseModule {}
