import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module';
import { ConfigError, ensureSecretsKeys, loadConfig, type SwitchyardConfig } from './config/config';

/** Largest request body accepted (JSON); bigger ones get 413. */
export const BODY_LIMIT = '1mb';

/**
 * Starts the API (GraphQL at `/graphql`, `/healthz`, `/readyz`, `/metrics`) on `config.port` and
 * returns the listening app; `app.close()` shuts it down gracefully (also on SIGTERM/SIGINT).
 * Migrations run before it listens. Only the API: the worker is started elsewhere.
 *
 * @example
 * const app = await bootstrapApi({ ...loadConfig(), port: 0 });
 * const url = await app.getUrl();
 */
export async function bootstrapApi(
  config: SwitchyardConfig,
  options: AppModuleOptions & {
    /** Let Nest close the app on SIGINT/SIGTERM (default true); `switchyard start` orders shutdown itself. */
    shutdownHooks?: boolean;
  } = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    bufferLogs: true,
    abortOnError: false,
  });
  try {
    const logger = app.get(Logger);
    app.useLogger(logger);
    app.flushLogs();
    app.useBodyParser('json', { limit: BODY_LIMIT });
    app.disable('x-powered-by');
    if (options.shutdownHooks !== false) app.enableShutdownHooks();
    await app.listen(config.port);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.log(
      `Switchyard API listening on port ${port} (GraphQL at /graphql); JWT secret from ${config.auth.jwtSecretSource}; secrets key from ${config.secrets?.source ?? 'nowhere (secrets unavailable)'}`,
      'Bootstrap',
    );
    return app;
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** `node dist/src/main.js`: the API alone, configured from the environment. */
async function main(): Promise<void> {
  let config: SwitchyardConfig;
  try {
    config = ensureSecretsKeys(loadConfig(process.env));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  await bootstrapApi(config);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Switchyard API failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
