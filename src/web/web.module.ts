import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { createStaticSiteHandler, findWebDist } from './static-site';

/**
 * The admin frontend: serves the built app (web/dist) at `/`, with `index.html` for the app's own
 * routes. It never answers GraphQL, probes, metrics or callbacks (see `RESERVED_PATHS`).
 */
@Module({})
export class WebModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(createStaticSiteHandler(findWebDist()))
      .forRoutes({ path: '{*path}', method: RequestMethod.GET }, { path: '{*path}', method: RequestMethod.HEAD });
  }
}
