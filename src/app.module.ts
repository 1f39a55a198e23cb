import { type ApolloDriverConfig } from '@nestjs/apollo';
import {
  type DynamicModule,
  type ForwardReference,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type Type,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AccessGuard } from './common/auth/access.guard';
import { AccessModule } from './common/auth/access.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { createValidationPipe } from './common/errors/validation';
import { ApolloExpressDriver } from './common/graphql/apollo-express.driver';
import { graphqlOptions } from './common/graphql/graphql.options';
import { loggerParams } from './common/logging/logger';
import { HttpMetricsMiddleware } from './common/metrics/http-metrics.middleware';
import { MetricsModule } from './common/metrics/metrics.module';
import { MetricsService } from './common/metrics/metrics.service';
import type { SwitchyardConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import type { ReadinessCheck } from './health/readiness.service';
import { PluginsCatalogModule } from './plugins-catalog/plugins-catalog.module';
import { ProjectsModule } from './projects/projects.module';
import { RunsModule } from './runs/runs.module';
import { SchedulesModule } from './schedules/schedules.module';
import { SecretsModule } from './secrets/secrets.module';
import { TemplatesModule } from './templates/templates.module';
import { TemporalModule } from './temporal/temporal.module';
import { UsersModule } from './users/users.module';
import { WebModule } from './web/web.module';

/** What callers of {@link AppModule.forRoot} can add to the platform. */
export interface AppModuleOptions {
  /**
   * More feature modules (templates, runs, schedules, the Temporal client...). Their resolvers are
   * guarded and audited like the built-in ones, and must declare their permissions.
   */
  imports?: Array<Type | DynamicModule | Promise<DynamicModule> | ForwardReference>;
  /** More `/readyz` checks (the database is always checked). */
  readinessChecks?: ReadinessCheck[];
  /** Where the JSON log lines go; stdout by default. */
  logDestination?: DestinationStream;
}

/**
 * The API: configuration, logging, metrics, database (migrated at start), GraphQL, access control
 * (global guard + permission table), audit, users, auth, projects and health probes.
 *
 * @example
 * const app = await NestFactory.create(AppModule.forRoot(loadConfig()));
 */
@Module({})
export class AppModule implements NestModule {
  static forRoot(config: SwitchyardConfig, options: AppModuleOptions = {}): DynamicModule {
    if (!config.databaseUrl) {
      throw new Error('AppModule.forRoot: config.databaseUrl is required (switchyard start provides an embedded one)');
    }
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config.logLevel, options.logDestination)),
        MetricsModule,
        DatabaseModule.forRoot(config.databaseUrl),
        AccessModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloExpressDriver,
          inject: [MetricsService, PinoLogger],
          useFactory: (metrics: MetricsService, logger: PinoLogger) => {
            logger.setContext('GraphQL');
            return graphqlOptions(config, metrics, logger);
          },
        }),
        AuditModule,
        UsersModule,
        AuthModule,
        ProjectsModule,
        PluginsCatalogModule,
        TemplatesModule,
        TemporalModule,
        RunsModule,
        SchedulesModule,
        SecretsModule,
        HealthModule.forRoot(options.readinessChecks),
        WebModule,
        ...(options.imports ?? []),
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useExisting: AuditInterceptor },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
