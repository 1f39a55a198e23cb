import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { SwitchyardConfig } from '../config/config';
import { InjectConfig } from '../config/config.module';
import { temporalSettings } from '../temporal/temporal-client.service';

interface CorsRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

interface CorsResponse {
  setHeader(name: string, value: string): unknown;
  status(code: number): CorsResponse;
  end(): unknown;
}

/** Headers the Temporal UI sends to a codec endpoint (`Authorization` when it passes its access token). */
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Namespace';

/**
 * The origins allowed to call `/codec` from a browser: `SWITCHYARD_CODEC_CORS_ORIGINS`, else the
 * Temporal Web UI's origin. `localhost` and `127.0.0.1` name the same local UI, so both are allowed.
 */
export function codecCorsOrigins(config: SwitchyardConfig): Set<string> {
  const configured = config.payloads.corsOrigins ?? [new URL(temporalSettings(config).uiUrl).origin];
  const origins = new Set<string>();
  for (const origin of configured) {
    origins.add(origin);
    const url = new URL(origin);
    if (url.hostname === 'localhost') origins.add(origin.replace('//localhost', '//127.0.0.1'));
    if (url.hostname === '127.0.0.1') origins.add(origin.replace('//127.0.0.1', '//localhost'));
  }
  return origins;
}

/**
 * CORS for the codec endpoint, for the Temporal Web UI: its requests carry `Content-Type:
 * application/json` and `X-Namespace`, so the browser asks first (preflight); with "include
 * cross-origin credentials" the answer must name the origin and allow credentials. Other origins
 * get no CORS headers, so browsers keep the answers from them.
 */
@Injectable()
export class CodecCorsMiddleware implements NestMiddleware {
  private readonly origins: Set<string>;

  constructor(@InjectConfig() config: SwitchyardConfig) {
    this.origins = codecCorsOrigins(config);
  }

  use(req: CorsRequest, res: CorsResponse, next: () => void): void {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const allowed = origin !== undefined && this.origins.has(origin);
    res.setHeader('Vary', 'Origin');
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    if (allowed) {
      res.setHeader('Access-Control-Allow-Methods', 'POST, DELETE, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  }
}
