/**
 * The admin frontend in a real browser (Debian's Chromium through playwright-core) against the
 * real platform: API on a fresh PostgreSQL database, a real worker with the progress recorder,
 * the Temporal dev server. A person designs a template, runs it, repairs a failed node; a viewer
 * watches without being offered any operation.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { TestApp } from '../platform/support/app';
import { Fixtures } from '../platform/support/fixtures';
import { startPlatform, type TestPlatform } from '../platform/support/platform';
import { waitForRun } from '../platform/support/runs';
import { ensureWebBuild, eventually, launchBrowser, signIn, type TestBrowser } from './support/browser';

const DOCS = resolve(__dirname, '..', '..', 'docs');

describe('the admin frontend', () => {
  let api: TestApp;
  let platform: TestPlatform;
  let browser: TestBrowser;
  let page: Page;
  let projectId: string;
  let editorToken: string;
  let templateId: string;
  let runId: string;

  beforeAll(async () => {
    ensureWebBuild();
    platform = await startPlatform({ queue: 'web-e2e' });
    api = platform.api;
    const fixtures = new Fixtures(api);
    projectId = await fixtures.project('web-ops');
    editorToken = await fixtures.user('erin');
    await fixtures.user('vera');
    await fixtures.member(projectId, 'erin', 'EDITOR');
    await fixtures.member(projectId, 'vera', 'VIEWER');
    browser = await launchBrowser();
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  afterEach(() => {
    // No console errors, no uncaught exceptions, in any flow.
    expect(browser?.problems ?? []).toEqual([]);
  });

  const node = (id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);
  const palette = (type: string): Locator => page.locator(`.palette-item[data-type="${type}"]`);
  const validation = (): Locator => page.locator('.problems-summary');

  async function renameSelected(from: string, to: string): Promise<void> {
    const id = page.locator(`#node-${from}-id`);
    await id.fill(to);
    await id.press('Enter');
    await node(to).waitFor();
  }

  /** Selects a node the way a keyboard user does (the canvas brings it into view); `click` uses the canvas. */
  async function select(id: string, how: 'click' | 'list' = 'list'): Promise<void> {
    if (how === 'click') await node(id).click();
    else await page.locator('#goto-node').selectOption(id);
    await page.locator(`#node-${id}-id`).waitFor();
  }

  async function expectValid(): Promise<void> {
    await eventually(
      () => validation().innerText(),
      (value) => expect(value).toMatch(/^✓ Valid/),
      15_000,
    );
  }

  it('signs in and shows the project with the role', async () => {
    await signIn(page, api.baseUrl, 'erin', 'erin-password');
    await page.waitForURL(`**/p/${projectId}/runs`);
    await expect(page.locator('#project-switcher option:checked').innerText()).resolves.toBe('web-ops — editor');
    await page.getByText('No runs yet').waitFor();
  });

  it('designs a template from the palette with a parallel branch and an exclusive gateway, fixing what the validator finds', async () => {
    await page.locator('.sections').getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('link', { name: 'New template' }).click();
    await page.getByLabel('Name', { exact: true }).fill('deploy-web');

    // A run input the condition reads.
    await page.getByRole('button', { name: 'Add input' }).click();
    await page.locator('#input-input_1-name').fill('env');
    await page.locator('#input-input_1-name').press('Enter');
    await page.locator('#input-env-default').fill('dev');
    await page.locator('#input-env-enum').fill('dev, prod');

    await palette('builtin.noop').click();
    await renameSelected('builtin_noop', 'prepare');
    await palette('gateway.parallel').click();
    await node('parallel').waitFor();

    // A shell.exec without a command: the validator says so, on the node.
    await palette('shell.exec').click();
    await node('shell_exec').waitFor();
    await eventually(
      () => validation().innerText(),
      (value) => expect(value).toMatch(/problem/),
      15_000,
    );
    await expect(node('shell_exec').locator('.dag-node-problems').isVisible()).resolves.toBe(true);
    await page.locator('#node-shell_exec-with-command').fill('echo left-${inputs.env}');
    await expectValid();
    await expect(node('shell_exec').locator('.dag-node-problems').count()).resolves.toBe(0);
    await renameSelected('shell_exec', 'left');

    // The other branch fails and waits for an operator.
    await select('parallel', 'click');
    await palette('shell.exec').click();
    await page.locator('#node-shell_exec-with-command').fill('echo broken >&2; exit 3');
    await page.locator('#node-shell_exec-onFailure').selectOption('manual');
    await renameSelected('shell_exec', 'right');

    // An exclusive gateway after the left branch: its edges need a condition or the default flag.
    await select('left');
    await palette('gateway.exclusive').click();
    await renameSelected('exclusive', 'route');
    await palette('builtin.noop').click();
    await renameSelected('builtin_noop', 'prod');
    await eventually(
      () => page.locator('.problems-list').innerText(),
      (value) => expect(value).toContain('edge without when or default'),
      15_000,
    );
    await expect(page.locator('.react-flow__edge.edge-problem').count()).resolves.toBe(1);
    await page.locator('.problems-list .problem', { hasText: 'edge without when or default' }).click();
    await page.getByLabel(/^Condition/).fill("inputs.env == 'prod'");
    await expectValid();

    await select('route');
    await palette('builtin.noop').click();
    await renameSelected('builtin_noop', 'dev');
    await select('route');
    await page
      .locator('.edge-row', { hasText: 'dev' })
      .getByLabel(/^Default edge/)
      .check();

    // Join the three ends.
    await select('prod');
    await palette('gateway.join').click();
    for (const from of ['dev', 'right']) {
      await select(from);
      await page.locator(`#connect-${from}`).selectOption('join');
      await page.locator('.inspector').getByRole('button', { name: 'Add edge' }).click();
    }
    await expectValid();
    await page.getByRole('button', { name: 'Auto layout' }).click();
    await browser.screenshot(page, 'editor');

    // The YAML view edits the same definition.
    await page.getByRole('tab', { name: 'YAML' }).click();
    const yaml = page.locator('#yaml-text');
    await expect(yaml.inputValue()).resolves.toContain("when: inputs.env == 'prod'");
    await yaml.fill(
      (await yaml.inputValue()).replace('name: deploy-web', 'name: deploy-web\ndescription: Deploys the web tier'),
    );
    await eventually(
      () => page.locator('#yaml-status').innerText(),
      (text) => expect(text).toContain('YAML is valid'),
    );
    await page.getByRole('tab', { name: 'Canvas' }).click();
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await eventually(
      () => page.locator('#definition-description').inputValue(),
      (text) => expect(text).toBe('Deploys the web tier'),
    );

    await page.getByRole('button', { name: 'Create template' }).click();
    await page.waitForURL(/\/templates\/[0-9a-f-]{36}$/);
    templateId = page.url().split('/').pop()!;
    await expect(page.locator('h1').innerText()).resolves.toContain('deploy-web');
    await expect(page.locator('.version-list li').count()).resolves.toBe(1);
  });

  it('starts a run from the generated form and watches the nodes turn green live, then retries the failed node with an edited input', async () => {
    await page.getByRole('link', { name: 'Start run' }).click();
    await page.locator('#run-input-env').selectOption('prod');
    await page.getByRole('button', { name: /^Start deploy-web v1/ }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    runId = page.url().split('/').pop()!;

    for (const id of ['prepare', 'left', 'route', 'prod']) {
      await node(id).locator('.status-succeeded').waitFor({ timeout: 30_000 });
    }
    await node('dev').locator('.status-skipped').waitFor({ timeout: 30_000 });
    // A manual failure: the node failed, the run waits for an operator.
    await node('right').locator('.status-failed').waitFor({ timeout: 30_000 });
    await expect(node('right').innerText()).resolves.toContain('needs operator');
    await expect(page.locator('.run-header h1 .badge').innerText()).resolves.toBe('WAITING');
    await expect(page.locator('.live').innerText()).resolves.toContain('live');

    const banner = page.locator('.waiting-banner');
    await banner.waitFor();
    await expect(banner.innerText()).resolves.toMatch(/right/);
    await browser.screenshot(page, 'run-waiting');

    await banner.getByRole('button', { name: 'Show right' }).click();
    const panel = page.locator('.node-panel');
    await expect(panel.innerText()).resolves.toContain('exit 3');
    await panel.getByRole('button', { name: 'Retry…' }).click();
    const command = panel.locator('#retry-right-command');
    await expect(command.inputValue()).resolves.toBe('echo broken >&2; exit 3');
    await page.locator('.breadcrumbs').scrollIntoViewIfNeeded();
    const screenshot = await browser.screenshot(page, 'run-view');
    // The README's screenshot: refreshed on demand, so a test run leaves the checkout clean.
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
      mkdirSync(DOCS, { recursive: true });
      copyFileSync(screenshot, join(DOCS, 'run-view.png'));
    }
    await command.fill('echo fixed');
    await panel.getByRole('button', { name: 'Retry node' }).click();

    await node('right').locator('.status-succeeded').waitFor({ timeout: 30_000 });
    await node('join').locator('.status-succeeded').waitFor({ timeout: 30_000 });
    await eventually(
      () => page.locator('.run-header h1 .badge').innerText(),
      (text) => expect(text).toBe('SUCCEEDED'),
      30_000,
    );
    await eventually(
      () => panel.innerText(),
      (value) => expect(value).toContain('fixed'),
    );
    await expect(page.locator('.waiting-banner').count()).resolves.toBe(0);

    const finished = await waitForRun(api, editorToken, runId, (run) => run.status === 'SUCCEEDED');
    expect(finished.nodes.find((n) => n.nodeId === 'right')).toMatchObject({ status: 'SUCCEEDED', executions: 2 });
    expect(finished.nodes.find((n) => n.nodeId === 'right')!.output.stdout).toBe('fixed\n');

    await node('left').click();
    await page.locator('.node-panel', { hasText: 'left-prod' }).waitFor();
    await browser.screenshot(page, 'run-view-succeeded');
  });

  it('shows a viewer the waiting run and why, but no operation', async () => {
    const started = await api.gql<{ startRun: { id: string } }>(
      'mutation($input: StartRunInput!) { startRun(input: $input) { id } }',
      { input: { templateId, inputs: { env: 'dev' } } },
      editorToken,
    );
    const waitingId = started.data!.startRun.id;
    await waitForRun(api, editorToken, waitingId, (run) => run.status === 'WAITING');

    // The editor is offered the operations on it...
    await page.goto(`${api.baseUrl}/p/${projectId}/runs/${waitingId}`);
    await page.locator('.waiting-banner').waitFor();
    await expect(page.getByRole('button', { name: 'Pause' }).count()).resolves.toBe(1);
    await page.locator('.waiting-banner').getByRole('button', { name: 'Show right' }).click();
    await expect(page.getByRole('button', { name: 'Retry…' }).count()).resolves.toBe(1);

    // ...the viewer sees the same run and why it waits, and nothing to press.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    await signIn(page, api.baseUrl, 'vera', 'vera-password');
    await expect(page.locator('#project-switcher option:checked').innerText()).resolves.toBe('web-ops — viewer');
    await page.goto(`${api.baseUrl}/p/${projectId}/runs/${waitingId}`);
    await node('right').locator('.status-failed').waitFor({ timeout: 30_000 });
    await expect(page.locator('.waiting-banner').innerText()).resolves.toMatch(/right/);
    await page.locator('.waiting-banner').getByRole('button', { name: 'Show right' }).click();
    await page.locator('.node-panel').waitFor();
    for (const name of ['Pause', 'Resume', 'Cancel run', 'Retry…', 'Skip node', 'Approve', 'Reject']) {
      await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
    }
    await expect(page.getByRole('link', { name: 'Start run' }).count()).resolves.toBe(0);
    await browser.screenshot(page, 'run-view-viewer');

    await page.locator('.sections').getByRole('link', { name: 'Runs' }).click();
    await eventually(
      () => page.locator('.runs-table tbody tr').count(),
      (rows) => expect(rows).toBe(2),
    );
    await expect(page.getByRole('link', { name: 'Start run' }).count()).resolves.toBe(0);
    await page.locator('.sections').getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('link', { name: 'deploy-web' }).waitFor();
    await expect(page.getByRole('link', { name: 'New template' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Archive' }).count()).resolves.toBe(0);
  });
});
