import { createReadStream, existsSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';

/**
 * Paths the admin frontend never answers, so it can never shadow the API: GraphQL (HTTP and
 * WebSocket), probes, metrics, and the endpoints other systems call.
 */
export const RESERVED_PATHS: readonly string[] = [
  '/graphql',
  '/healthz',
  '/readyz',
  '/metrics',
  '/codec',
  '/callbacks',
];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function isReservedPath(pathname: string): boolean {
  return RESERVED_PATHS.some((reserved) => pathname === reserved || pathname.startsWith(`${reserved}/`));
}

/**
 * Where the built frontend is: `SWITCHYARD_WEB_DIR`, else the first `web/dist` found walking up
 * from this file (it runs from `src/web` in tests and from `dist/src/web` once compiled).
 */
export function findWebDist(env: NodeJS.ProcessEnv = process.env, from: string = __dirname): string {
  if (env.SWITCHYARD_WEB_DIR) return resolve(env.SWITCHYARD_WEB_DIR);
  let dir = from;
  for (let depth = 0; depth < 6; depth += 1) {
    const candidate = join(dir, 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Not built: the conventional place, so the "not built" page can name it.
  return resolve(from, '..', '..', 'web', 'dist');
}

/**
 * The frontend's Content-Security-Policy: scripts and styles from this origin only (plus inline
 * style attributes, which the graph canvas positions nodes with), API calls to this origin
 * over HTTP and WebSocket, no framing.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const sockets = host && /^[\w.:[\]-]+$/.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchyard</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The admin frontend is not built</h1>
<p>The API is running: GraphQL is at <a href="/graphql">/graphql</a>.</p>
<p>Build the frontend with <code>npm run build:web</code> (it installs web/'s dependencies and runs Vite),
then reload this page.</p>
</body></html>
`;

async function fileAt(root: string, pathname: string): Promise<{ path: string; stats: Stats } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const path = resolve(root, `.${decoded}`);
  if (path !== root && !path.startsWith(root + sep)) return null;
  try {
    const stats = await stat(path);
    return stats.isFile() ? { path, stats } : null;
  } catch {
    return null;
  }
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  stats: Stats,
  cacheControl: string,
  host?: string,
): void {
  const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
  res.statusCode = 200;
  res.setHeader('content-type', type);
  res.setHeader('content-length', stats.size);
  res.setHeader('cache-control', cacheControl);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('last-modified', stats.mtime.toUTCString());
  if (type.startsWith('text/html')) {
    res.setHeader('content-security-policy', contentSecurityPolicy(host));
    res.setHeader('referrer-policy', 'same-origin');
    res.setHeader('x-frame-options', 'DENY');
  }
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(path)
    .on('error', () => res.destroy())
    .pipe(res);
}

function wantsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}

/** The request handler's shape: Express/Connect middleware. */
export type StaticSiteHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * Serves the built single-page app from `root`: files as they are (hashed `/assets/*` cached for
 * a year, the rest revalidated), and `index.html` for `/` and for any other page a browser asks
 * for (client-side routes like `/p/<id>/runs`). Reserved API paths, other methods, and missing
 * files with an extension pass through to the next handler (the API, or its 404).
 */
export function createStaticSiteHandler(root: string): StaticSiteHandler {
  const base = resolve(root);
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const pathname = (req.url ?? '/').split('?')[0] || '/';
    if (isReservedPath(pathname)) return next();
    const host = req.headers.host;
    void (async () => {
      const file = pathname === '/' ? null : await fileAt(base, pathname);
      if (file) {
        const immutable = pathname.startsWith('/assets/');
        send(req, res, file.path, file.stats, immutable ? 'public, max-age=31536000, immutable' : 'no-cache', host);
        return;
      }
      const isPage = pathname === '/' || (extname(pathname) === '' && wantsHtml(req));
      if (!isPage) return next();
      const index = await fileAt(base, '/index.html');
      if (index) {
        send(req, res, index.path, index.stats, 'no-cache', host);
        return;
      }
      res.statusCode = 503;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.end(req.method === 'HEAD' ? undefined : NOT_BUILT_PAGE);
    })().catch(() => next());
  };
}
