/** `npm ci` needs every optional platform package in the lockfile (see tools/complete-lockfile.js). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('package-lock.json', () => {
  it('lists the optional platform packages the registry here cannot serve, so npm ci accepts it', () => {
    const result = spawnSync(process.execPath, [join(__dirname, '..', 'tools', 'complete-lockfile.js'), '--check'], {
      encoding: 'utf8',
    });
    expect(result.stdout.trim()).toBe('complete-lockfile: complete');
    expect(result.status).toBe(0);
  });
});
