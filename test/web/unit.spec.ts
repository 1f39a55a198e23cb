/**
 * The frontend's own unit tests (Vitest, in web/) as part of the root `npm test`: the definition
 * helpers, the version diff, the schema forms' rules, the editor reducer and the YAML view.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ensureWebBuild } from './support/browser';

const WEB = resolve(__dirname, '..', '..', 'web');

describe('web/ unit tests (vitest)', () => {
  it('pass', () => {
    ensureWebBuild();
    const result = spawnSync(process.execPath, [join(WEB, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], {
      cwd: WEB,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect({ status: result.status, output }).toMatchObject({ status: 0 });
    expect(output).toMatch(/Tests\s+\d+ passed/);
  });
});
