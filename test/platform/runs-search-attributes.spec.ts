/**
 * The API makes sure the Switchyard search attributes exist in its namespace at start, and when
 * it cannot, starts runs without them (one warning) instead of failing them.
 */
import { randomBytes } from 'node:crypto';
import type { Connection } from '@temporalio/client';
import type Long from 'long';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { TemporalClientService } from '../../src/temporal/temporal-client.service';
import { SWITCHYARD_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { testTemporal } from '../support/temporal';
import { startTestApp, type TestApp } from './support/app';
import { Fixtures } from './support/fixtures';
import { createTemplate, type RunView } from './support/runs';

/** A fresh namespace on the dev server, usable once it answers. */
async function createNamespace(connection: Connection): Promise<string> {
  const namespace = `sy-sa-${randomBytes(4).toString('hex')}`;
  await connection.workflowService.registerNamespace({
    namespace,
    // protobufjs takes a plain number for an int64 field.
    workflowExecutionRetentionPeriod: { seconds: 86_400 as unknown as Long },
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return namespace;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function customAttributes(connection: Connection, namespace: string): Promise<Record<string, number>> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  return Object.fromEntries(Object.entries(listed.customAttributes ?? {}).map(([name, type]) => [name, Number(type)]));
}

describe('search attributes', () => {
  let connection: Connection;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    connection = (await testTemporal()).connection;
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  async function startApp(namespace: string): Promise<TestApp> {
    // nestjs-pino keeps ONE logger for lines written outside a request (as these start-up warnings
    // are): the first app's. Reset it so this app's lines reach this app's log capture.
    __resetOutOfContextForTests();
    const api = await startTestApp({
      config: {
        temporal: { address: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS, namespace, taskQueue: 'nobody-polls-this' },
        logLevel: 'warn',
      },
    });
    apps.push(api);
    return api;
  }

  it('registers the missing Switchyard search attributes in the namespace at start', async () => {
    const namespace = await createNamespace(connection);
    expect(Object.keys(await customAttributes(connection, namespace))).not.toContain('SwitchyardProject');
    const api = await startApp(namespace);
    expect(await api.app.get(TemporalClientService).searchAttributesAvailable()).toBe(true);
    const names = Object.keys(await customAttributes(connection, namespace));
    expect(names).toEqual(expect.arrayContaining(SWITCHYARD_SEARCH_ATTRIBUTES.map((key) => key.name)));
    expect(api.logs.text()).not.toContain('runs start without them');
  });

  it('starts runs without them, warning once, when an attribute exists with another type', async () => {
    const namespace = await createNamespace(connection);
    // SwitchyardTemplateVersion is an Int; someone registered it as a Keyword.
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: { SwitchyardTemplateVersion: 2 /* KEYWORD */ },
    });
    const api = await startApp(namespace);
    const temporal = api.app.get(TemporalClientService);
    expect(await temporal.searchAttributesAvailable()).toBe(false);

    const fixtures = new Fixtures(api);
    const admin = await fixtures.admin();
    const projectId = await fixtures.project('no-attributes');
    const templateId = await createTemplate(api, admin, projectId, {
      name: 'plain',
      nodes: [{ id: 'only', type: 'builtin.noop' }],
    });
    const started = await api.gql<{ startRun: RunView }>(
      'mutation($input: StartRunInput!) { startRun(input: $input) { id status temporalWorkflowId temporalRunId error { message } } }',
      { input: { templateId } },
      admin,
    );
    expect(started.errors).toBeUndefined();
    expect(started.data!.startRun.status).toBe('PENDING'); // started; no worker polls this queue
    expect(started.data!.startRun.temporalRunId).toBeTruthy();
    const description = await temporal.client.workflow.getHandle(started.data!.startRun.temporalWorkflowId).describe();
    expect(description.typedSearchAttributes.getAll()).toEqual([]);
    expect(await description.staticSummary()).toBe('plain v1 by admin');
    const warnings = api.logs
      .entries()
      .filter(
        (entry) => entry.msg === 'Could not make sure the Switchyard search attributes exist; runs start without them',
      );
    expect(warnings).toHaveLength(1);
    await temporal.client.workflow.getHandle(started.data!.startRun.temporalWorkflowId).terminate('test over');
  });
});
