import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureTemporalCli } from '../../src/temporal/cli-binary';
import { FAILURE_CONVERTER_PATH } from '../../src/temporal/payload-codec';
import { SWITCHYARD_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

declare global {
  var __SWITCHYARD_TEMPORAL__: TestWorkflowEnvironment | undefined;
}

/**
 * Starts ONE real Temporal dev server (our pinned CLI) and bundles the workflow code ONCE for
 * the whole Jest run; test files find both through environment variables.
 */
export default async function globalSetup(): Promise<void> {
  const executable = await ensureTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: executable },
      searchAttributes: SWITCHYARD_SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error'],
    },
  });
  globalThis.__SWITCHYARD_TEMPORAL__ = env;
  process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS = env.address;

  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    // As production bundles it: failures become (encrypted) payloads.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-jest-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  process.env.SWITCHYARD_TEST_WORKFLOW_BUNDLE = bundlePath;
}
