import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MetricsService } from './metrics.service';

/** The bits of an Express request the middleware reads (express ships no types here). */
type ExpressRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string; originalUrl?: string };

/** Counts and times every HTTP request; the route label is the matched route, never the raw URL. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: ExpressRequest, res: ServerResponse, next: () => void): void {
    const stop = this.metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const route = routeLabel(req);
      const method = req.method ?? 'UNKNOWN';
      stop({ method, route });
      this.metrics.httpRequests.inc({ method, route, status: String(res.statusCode) });
    });
    next();
  }
}

const KNOWN_PATHS = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);

function routeLabel(req: ExpressRequest): string {
  const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
  if (KNOWN_PATHS.has(path)) return path;
  const routePath = req.route?.path;
  return typeof routePath === 'string' ? `${req.baseUrl ?? ''}${routePath}` : 'other';
}
