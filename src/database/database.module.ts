import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';
import { runMigrations } from './migrate';

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P03']);

/**
 * The platform database: connects to `url`, applies pending migrations (under an advisory lock)
 * before anything uses it, and closes the pool on shutdown. Never `synchronize`.
 */
@Module({})
export class DatabaseModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(url),
            retryAttempts: 3,
            retryDelay: 1000,
            // Retry only when the server is not reachable (yet): a failing migration fails at once.
            toRetry: (error: unknown) => CONNECTION_ERRORS.has((error as { code?: string })?.code ?? ''),
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            try {
              await runMigrations(dataSource);
            } catch (error) {
              await dataSource.destroy();
              throw error;
            }
            return dataSource;
          },
        }),
      ],
    };
  }
}
