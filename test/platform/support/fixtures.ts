import type { ProjectRole } from '../../../src/common/auth/roles';
import { ADMIN_PASSWORD, type TestApp } from './app';

/** Creates users and a project through the API, as the admin. */
export class Fixtures {
  private adminToken?: string;

  constructor(private readonly api: TestApp) {}

  async admin(): Promise<string> {
    this.adminToken ??= await this.api.login('admin', ADMIN_PASSWORD);
    return this.adminToken;
  }

  /** Creates a user and returns a login token for them. */
  async user(username: string, password = `${username}-password`): Promise<string> {
    const created = await this.api.gql(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
      { input: { username, password } },
      await this.admin(),
    );
    if (!created.data) throw new Error(`createUser ${username}: ${JSON.stringify(created.errors)}`);
    return this.api.login(username, password);
  }

  async project(name: string): Promise<string> {
    const created = await this.api.gql<{ createProject: { id: string } }>(
      'mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }',
      { input: { name } },
      await this.admin(),
    );
    if (!created.data) throw new Error(`createProject ${name}: ${JSON.stringify(created.errors)}`);
    return created.data.createProject.id;
  }

  /** Gives `username` a role in a project (as the admin). Roles are the GraphQL names: VIEWER... */
  async member(projectId: string, username: string, role: keyof typeof ProjectRole): Promise<void> {
    const added = await this.api.gql(
      'mutation($p: ID!, $u: String!, $r: ProjectRole!) { addMember(projectId: $p, username: $u, role: $r) { id } }',
      { p: projectId, u: username, r: role },
      await this.admin(),
    );
    if (!added.data) throw new Error(`addMember ${username}: ${JSON.stringify(added.errors)}`);
  }
}
