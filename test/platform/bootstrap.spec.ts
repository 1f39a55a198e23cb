import { errorCode, startTestApp } from './support/app';
import { createTestDatabase, queryDatabase, type TestDatabase } from './support/database';

describe('first start', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  /** Starts the app with no SWITCHYARD_ADMIN_PASSWORD and returns what went to stdout. */
  async function startWithoutPassword() {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(chunk.toString());
      return true;
    });
    try {
      const api = await startTestApp({ db, generatedAdminPassword: true });
      return { api, stdout: written.join('') };
    } finally {
      spy.mockRestore();
    }
  }

  it('creates admin with a generated password, printed once to stdout and never logged', async () => {
    const first = await startWithoutPassword();
    let password: string;
    try {
      const match = /created user "admin" with password: (\S+)/.exec(first.stdout);
      expect(match).not.toBeNull();
      password = match![1];
      expect(password.length).toBeGreaterThanOrEqual(20);

      const token = await first.api.login('admin', password);
      expect((await first.api.gql('{ me { username isAdmin } }', undefined, token)).data.me).toEqual({
        username: 'admin',
        isAdmin: true,
      });
      expect(first.api.logs.text()).toContain('Created the admin user with a generated password');
      expect(first.api.logs.text()).not.toContain(password);
    } finally {
      await first.api.close();
    }

    const second = await startWithoutPassword();
    try {
      expect(second.stdout).not.toContain('password');
      expect(second.api.logs.text()).not.toContain('Created the admin user');
      // Same admin, same password: nothing was reset.
      await second.api.login('admin', password);
      const admins = await queryDatabase(db.url, "SELECT id FROM users WHERE username = 'admin'");
      expect(admins).toHaveLength(1);
    } finally {
      await second.api.close();
    }
  });

  it('does not apply SWITCHYARD_ADMIN_PASSWORD to an existing admin', async () => {
    const api = await startTestApp({ db });
    try {
      const wrong = await api.gql(
        'mutation { login(username: "admin", password: "admin-password-for-tests") { token } }',
      );
      expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    } finally {
      await api.close();
    }
  });
});
