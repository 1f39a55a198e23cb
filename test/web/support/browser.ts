import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; `.ci/run` installs it when missing. */
export const CHROMIUM = process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium';

const ROOT = resolve(__dirname, '..', '..', '..');

/** Where screenshots go (gitignored). */
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'web');

/**
 * Builds web/dist when it is missing or older than its sources (the same script `npm run build`
 * runs), so the browser tests always drive the current frontend.
 */
export function ensureWebBuild(): void {
  execFileSync(process.execPath, [join(ROOT, 'web', 'scripts', 'ensure-build.mjs')], { stdio: 'inherit' });
  if (!existsSync(join(ROOT, 'web', 'dist', 'index.html')))
    throw new Error('web/dist/index.html is missing after the build');
}

/** A headless Chromium with a fresh profile; `problems` collects console errors and page errors. */
export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  problems: string[];
  newPage(): Promise<Page>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

function watch(page: Page, problems: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${page.url()})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message} (${page.url()})`));
  page.on('dialog', (dialog) => void dialog.accept());
}

export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (.ci/run does it)`);
  const profile = mkdtempSync(join(tmpdir(), 'switchyard-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
  });
  const problems: string[] = [];
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page, problems);
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    page,
    problems,
    newPage: async () => {
      const extra = await context.newPage();
      watch(extra, problems);
      return extra;
    },
    screenshot: async (target, name) => {
      const path = join(ARTIFACTS, `${name}.png`);
      await target.screenshot({ path });
      return path;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the login form and waits for the app to show the user. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.topbar .user', { hasText: username }).waitFor();
}

/**
 * Reads `read()` until `check` stops throwing (a jest assertion), or throws its last failure
 * after `timeoutMs`: the UI updates asynchronously (validation, subscriptions).
 */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
