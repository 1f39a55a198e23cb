import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';

/**
 * One dependency `/readyz` waits for. `check` resolves when it is usable and rejects (or exceeds
 * the timeout) when not.
 *
 * @example
 * readiness.register({ name: 'temporal', check: () => connection.healthService.check({}).then(() => undefined) });
 */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'up' | 'down'>;
}

/** Time one check may take before it counts as down. */
export const READINESS_TIMEOUT_MS = 3000;

/**
 * The readiness checks `/readyz` runs: the database is registered by the health module; others
 * (Temporal) register theirs with {@link ReadinessService.register}, typically in `onModuleInit`,
 * or pass them to `AppModule.forRoot(config, { readinessChecks })`.
 */
@Injectable()
export class ReadinessService {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(@InjectPinoLogger(ReadinessService.name) private readonly logger: PinoLogger) {}

  /** Adds a check, or replaces the one with the same name. */
  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  /** Runs every check concurrently. Failures are logged, not returned: /readyz says only up/down. */
  async report(): Promise<ReadinessReport> {
    const results = await Promise.all(
      [...this.checks.values()].map(async ({ name, check }) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            check(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () => reject(new Error(`timed out after ${READINESS_TIMEOUT_MS} ms`)),
                READINESS_TIMEOUT_MS,
              );
            }),
          ]);
          return [name, 'up'] as const;
        } catch (error) {
          this.logger.warn({ err: error, check: name }, 'Readiness check failed');
          return [name, 'down'] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return { ready: results.every(([, status]) => status === 'up'), checks: Object.fromEntries(results) };
  }
}
