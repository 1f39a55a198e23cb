/**
 * Operations beyond retry in the real browser: an approval decided from the run view with its
 * form, a running node failed on purpose, a rerun from a node; each offered only to operators.
 * And subflows: a subflow node links to its child run, which links back to its parent.
 */
import type { Locator, Page } from 'playwright-core';
import type { TestApp } from '../platform/support/app';
import { Fixtures } from '../platform/support/fixtures';
import { startPlatform, type TestPlatform } from '../platform/support/platform';
import { createTemplate, waitForRun } from '../platform/support/runs';
import { ensureWebBuild, eventually, launchBrowser, signIn, type TestBrowser } from './support/browser';

const APPROVAL = {
  name: 'resize-cluster',
  nodes: [
    { id: 'plan', type: 'builtin.noop', with: { size: 5 } },
    {
      id: 'board',
      type: 'approval',
      name: 'Change board',
      with: {
        message: 'Resize the cluster to 5 nodes?',
        form: { type: 'object', required: ['ticket'], properties: { ticket: { type: 'string', title: 'Ticket' } } },
      },
    },
    { id: 'resize', type: 'shell.exec', with: { command: 'sleep 60' } },
    { id: 'report', type: 'builtin.noop', with: { ticket: '${nodes.board.output.values.ticket}' } },
  ],
  edges: [
    { from: 'plan', to: 'board' },
    { from: 'board', to: 'resize' },
    { from: 'resize', to: 'report' },
  ],
};

describe('run operations in the browser', () => {
  let api: TestApp;
  let platform: TestPlatform;
  let browser: TestBrowser;
  let page: Page;
  let projectId: string;
  let operator: string;
  let templateId: string;
  let admin: string;

  beforeAll(async () => {
    ensureWebBuild();
    // With the run registrar, as src/worker.ts: child runs of subflows get rows of their own.
    platform = await startPlatform({ queue: 'web-ops', worker: { registrar: true } });
    api = platform.api;
    const fixtures = new Fixtures(api);
    projectId = await fixtures.project('ops');
    operator = await fixtures.user('otto');
    await fixtures.user('vic');
    await fixtures.member(projectId, 'otto', 'OPERATOR');
    await fixtures.member(projectId, 'vic', 'VIEWER');
    admin = await fixtures.admin();
    templateId = await createTemplate(api, admin, projectId, APPROVAL);
    browser = await launchBrowser();
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  afterEach(() => expect(browser?.problems ?? []).toEqual([]));

  const node = (id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);

  it('shows a viewer the approval waiting, with nothing to decide', async () => {
    const started = await api.gql<{ startRun: { id: string } }>(
      'mutation($input: StartRunInput!) { startRun(input: $input) { id } }',
      { input: { templateId } },
      operator,
    );
    const runId = started.data!.startRun.id;
    await waitForRun(api, operator, runId, (run) => run.status === 'WAITING');
    await signIn(page, api.baseUrl, 'vic', 'vic-password');
    await page.goto(`${api.baseUrl}/p/${projectId}/runs/${runId}`);
    await expect(page.locator('.waiting-banner').innerText()).resolves.toMatch(/approval/i);
    await page.locator('.waiting-banner').getByRole('button', { name: 'Show board' }).click();
    await expect(page.locator('.node-panel').innerText()).resolves.toContain('Resize the cluster to 5 nodes?');
    for (const name of ['Approve', 'Reject', 'Pause', 'Cancel run']) {
      await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
    }
    await page.getByRole('button', { name: 'Sign out' }).click();
  });

  it('links a subflow node to its child run, and the child run back to its parent', async () => {
    await createTemplate(api, admin, projectId, {
      name: 'child-step',
      nodes: [{ id: 'inner', type: 'builtin.noop', with: { from: 'child' } }],
    });
    const parentTemplate = await createTemplate(api, admin, projectId, {
      name: 'with-child',
      nodes: [{ id: 'sub', type: 'subflow', with: { template: 'child-step' } }],
    });
    const started = await api.gql<{ startRun: { id: string } }>(
      'mutation($input: StartRunInput!) { startRun(input: $input) { id } }',
      { input: { templateId: parentTemplate } },
      operator,
    );
    const parentId = started.data!.startRun.id;
    await waitForRun(api, operator, parentId, (run) => run.status === 'SUCCEEDED');
    const child = await api.gql<{ run: { nodes: Array<{ childRun: { id: string } | null }> } }>(
      'query($id: ID!) { run(id: $id) { nodes { childRun { id } } } }',
      { id: parentId },
      operator,
    );
    const childId = child.data!.run.nodes[0].childRun!.id;

    await signIn(page, api.baseUrl, 'vic', 'vic-password');
    await page.goto(`${api.baseUrl}/p/${projectId}/runs/${parentId}`);
    await node('sub').click();
    const link = page.locator('.node-panel .child-run').getByRole('link', { name: 'child-step v1' });
    await link.click();
    await page.waitForURL(new RegExp(`/runs/${childId}$`));
    await expect(page.locator('.run-header h1').innerText()).resolves.toContain('child-step');
    await node('inner').locator('.status-succeeded').waitFor({ timeout: 30_000 });

    await page.locator('.breadcrumbs .parent-run').click();
    await page.waitForURL(new RegExp(`/runs/${parentId}$`));
    await expect(page.locator('.run-header h1').innerText()).resolves.toContain('with-child');
    await page.getByRole('button', { name: 'Sign out' }).click();
  });

  it('lets an operator approve with the form, fail the next node on purpose, and rerun from it', async () => {
    await signIn(page, api.baseUrl, 'otto', 'otto-password');
    await page.goto(`${api.baseUrl}/p/${projectId}/runs/new?template=${templateId}`);
    await page.getByRole('button', { name: /^Start resize-cluster v1/ }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').pop()!;

    await page.locator('.waiting-banner').getByRole('button', { name: 'Show board' }).click({ timeout: 30_000 });
    const panel = page.locator('.node-panel');
    await panel.locator('#approval-board-ticket').fill('CHG-42');
    await panel.getByLabel('Comment').fill('approved by the board');
    await panel.getByRole('button', { name: 'Approve', exact: true }).click();
    await node('board').locator('.status-succeeded').waitFor({ timeout: 30_000 });
    await node('resize').locator('.status-running').waitFor({ timeout: 30_000 });

    await node('resize').click();
    await panel.getByRole('button', { name: 'Fail it now' }).click();
    await node('resize').locator('.status-failed').waitFor({ timeout: 30_000 });
    await eventually(
      () => page.locator('.run-header h1 .badge').innerText(),
      (status) => expect(status).toBe('FAILED'),
      30_000,
    );
    const failed = await waitForRun(api, operator, runId, (run) => run.status === 'FAILED');
    expect(failed.nodes.find((n) => n.nodeId === 'board')).toMatchObject({
      status: 'SUCCEEDED',
      output: { decision: 'approve', by: 'otto', comment: 'approved by the board', values: { ticket: 'CHG-42' } },
    });
    expect(failed.nodes.find((n) => n.nodeId === 'resize')!.error!.type).toBe('ForcedFailure');
    await browser.screenshot(page, 'operations-failed');

    // A rerun from the failed node reuses what succeeded before it.
    await panel.getByRole('button', { name: 'Rerun from this node' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/runs/') === false && !url.pathname.endsWith(runId));
    const rerunId = page.url().split('/').pop()!;
    expect(rerunId).not.toBe(runId);
    await node('board').locator('.status-succeeded').waitFor({ timeout: 30_000 });
    await node('resize').locator('.status-running').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel the run' }).click();
    await eventually(
      () => page.locator('.run-header h1 .badge').innerText(),
      (status) => expect(status).toBe('CANCELLED'),
      30_000,
    );
  });
});
