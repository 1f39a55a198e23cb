import { type DynamicModule, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HealthController } from './health.controller';
import { type ReadinessCheck, ReadinessService } from './readiness.service';

const EXTRA_CHECKS = Symbol('EXTRA_READINESS_CHECKS');

/** `/healthz`, `/readyz` and the {@link ReadinessService} (database check built in). */
@Module({})
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly dataSource: DataSource,
    @Inject(EXTRA_CHECKS) private readonly extraChecks: ReadinessCheck[],
  ) {}

  static forRoot(extraChecks: ReadinessCheck[] = []): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      controllers: [HealthController],
      providers: [ReadinessService, { provide: EXTRA_CHECKS, useValue: extraChecks }],
      exports: [ReadinessService],
    };
  }

  onModuleInit(): void {
    this.readiness.register({
      name: 'database',
      check: async () => {
        await this.dataSource.query('SELECT 1');
      },
    });
    for (const check of this.extraChecks) this.readiness.register(check);
  }
}
