import { type DynamicModule, Global, Inject, Module } from '@nestjs/common';
import type { SwitchyardConfig } from './config';

/** Injection token of the {@link SwitchyardConfig} given to `AppModule.forRoot(config)`. */
export const SWITCHYARD_CONFIG = Symbol('SWITCHYARD_CONFIG');

/**
 * Injects the platform configuration.
 *
 * @example
 * constructor(@InjectConfig() private readonly config: SwitchyardConfig) {}
 */
export const InjectConfig = (): ParameterDecorator => Inject(SWITCHYARD_CONFIG);

/** Makes the already validated configuration injectable everywhere; it reads nothing itself. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: SwitchyardConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: SWITCHYARD_CONFIG, useValue: config }],
      exports: [SWITCHYARD_CONFIG],
    };
  }
}
