import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentSecurityPolicy, createStaticSiteHandler, findWebDist, isReservedPath } from './static-site';

describe(createStaticSiteHandler.name, () => {
  let root: string;
  let server: Server;
  let base: string;

  async function serve(dir: string): Promise<void> {
    const handler = createStaticSiteHandler(dir);
    server = createServer((req, res) =>
      handler(req, res, () => {
        res.statusCode = 404;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ passedThrough: req.url }));
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'switchyard-web-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(root, 'assets', 'app-123.js'), 'console.log(1)');
    writeFileSync(join(root, 'favicon.svg'), '<svg/>');
    writeFileSync(join(tmpdir(), 'switchyard-secret.txt'), 'TOP-SECRET-CONTENT');
    await serve(root);
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html at / with a CSP that allows only this origin', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await response.text()).toContain('<title>app</title>');
  });

  it('serves files with their type; hashed assets are cached for a year', async () => {
    const asset = await fetch(`${base}/assets/app-123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log(1)');
    const icon = await fetch(`${base}/favicon.svg`);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it("answers the app's own routes with index.html when a browser asks for a page", async () => {
    const page = await fetch(`${base}/p/123/runs/456?x=1`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>app</title>');
  });

  it('passes through what is not a page: missing files, non-HTML requests, other methods', async () => {
    expect(await (await fetch(`${base}/assets/missing.js`, { headers: { accept: 'text/html' } })).json()).toEqual({
      passedThrough: '/assets/missing.js',
    });
    expect((await fetch(`${base}/p/1/runs`, { headers: { accept: 'application/json' } })).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it.each(['/graphql', '/graphql?query={me{id}}', '/healthz', '/readyz', '/metrics', '/codec/x', '/callbacks/abc'])(
    'never answers the reserved path %s',
    async (path) => {
      const response = await fetch(`${base}${path}`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ passedThrough: path });
    },
  );

  it('does not serve files outside its folder', async () => {
    for (const path of [
      '/../switchyard-secret.txt',
      '/%2e%2e/switchyard-secret.txt',
      '/assets/..%2f..%2fswitchyard-secret.txt',
    ]) {
      const response = await fetch(`${base}${path}`);
      expect(await response.text()).not.toContain('TOP-SECRET-CONTENT');
    }
  });

  it('says how to build the frontend when web/dist is missing', async () => {
    await new Promise((resolve) => server.close(resolve));
    await serve(join(root, 'nowhere'));
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:web');
  });
});

describe(isReservedPath.name, () => {
  it('matches the reserved paths and what is under them, not look-alikes', () => {
    expect(isReservedPath('/graphql')).toBe(true);
    expect(isReservedPath('/callbacks/123/complete')).toBe(true);
    expect(isReservedPath('/graphqlx')).toBe(false);
    expect(isReservedPath('/p/1/metrics')).toBe(false);
  });
});

describe(findWebDist.name, () => {
  it('takes SWITCHYARD_WEB_DIR first, else finds web/dist upwards', () => {
    expect(findWebDist({ SWITCHYARD_WEB_DIR: '/srv/web' })).toBe('/srv/web');
    const project = mkdtempSync(join(tmpdir(), 'switchyard-find-'));
    mkdirSync(join(project, 'web', 'dist'), { recursive: true });
    writeFileSync(join(project, 'web', 'dist', 'index.html'), '');
    mkdirSync(join(project, 'dist', 'src', 'web'), { recursive: true });
    expect(findWebDist({}, join(project, 'dist', 'src', 'web'))).toBe(join(project, 'web', 'dist'));
    rmSync(project, { recursive: true, force: true });
  });
});

describe(contentSecurityPolicy.name, () => {
  it('leaves out a host header that is not a host', () => {
    expect(contentSecurityPolicy('evil.com; script-src *')).toContain("connect-src 'self';");
  });
});
