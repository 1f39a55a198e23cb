import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiToken } from '../../src/auth/api-token.entity';
import { type AccessResource, RESOURCE_ACCESS } from '../../src/common/auth/access';
import { AccessCache } from '../../src/common/auth/access-cache';
import { ProjectAccessService } from '../../src/common/auth/project-access.service';
import { ProjectRole } from '../../src/common/auth/roles';
import { createDataSource } from '../../src/database/data-source';
import { Membership } from '../../src/projects/membership.entity';
import { Project } from '../../src/projects/project.entity';
import { Run } from '../../src/runs/run.entity';
import { Schedule } from '../../src/schedules/schedule.entity';
import { TemplateVersion } from '../../src/templates/template-version.entity';
import { Template } from '../../src/templates/template.entity';
import { User } from '../../src/users/user.entity';
import { createTestDatabase, type TestDatabase } from './support/database';

describe('the access table', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let access: ProjectAccessService;
  let projectId: string;
  let otherProjectId: string;
  const ids = {} as Record<AccessResource, string>;
  let member: User;
  let admin: User;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource(db.url).initialize();
    access = new ProjectAccessService(dataSource, new AccessCache(0));
    const save = <T extends object>(entity: new () => T, values: Partial<T>) =>
      dataSource.getRepository(entity).save(dataSource.getRepository(entity).create(values as T));

    const project = await save(Project, { name: 'owned' });
    projectId = project.id;
    otherProjectId = (await save(Project, { name: 'other' })).id;
    member = await save(User, { username: 'member', passwordHash: 'x' });
    admin = await save(User, { username: 'root', passwordHash: 'x', isAdmin: true });
    await save(Membership, { projectId, userId: member.id, role: ProjectRole.EDITOR });
    const template = await save(Template, { projectId, name: 'deploy', createdBy: 'member' });
    const version = await save(TemplateVersion, {
      templateId: template.id,
      version: 1,
      definition: { name: 'deploy', nodes: [] },
      contentHash: 'a'.repeat(64),
      author: 'member',
    });
    const run = await save(Run, {
      projectId,
      templateId: template.id,
      templateVersionId: version.id,
      version: 1,
      workflowId: `run-${randomBytes(4).toString('hex')}`,
      startedBy: 'member',
      inputs: {},
    });
    const schedule = await save(Schedule, {
      projectId,
      templateId: template.id,
      name: 'nightly',
      spec: { cron: ['0 3 * * *'] },
      temporalScheduleId: `schedule-${randomBytes(4).toString('hex')}`,
      createdBy: 'member',
    });
    const token = await save(ApiToken, {
      name: 'ci',
      tokenHash: 'b'.repeat(64),
      prefix: 'sy_xxxxxxxx',
      projectId,
      role: ProjectRole.VIEWER,
      createdById: member.id,
    });
    Object.assign(ids, {
      project: projectId,
      template: template.id,
      templateVersion: version.id,
      run: run.id,
      schedule: schedule.id,
      apiToken: token.id,
    });
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('finds the project of every kind of resource it lists', async () => {
    expect(Object.keys(ids).sort()).toEqual(Object.keys(RESOURCE_ACCESS).sort());
    for (const resource of Object.keys(RESOURCE_ACCESS) as AccessResource[]) {
      expect([resource, await access.projectOf(resource, ids[resource])]).toEqual([resource, projectId]);
    }
  });

  it('finds nothing for unknown ids, and never queries with something that is not a UUID', async () => {
    for (const resource of Object.keys(RESOURCE_ACCESS) as AccessResource[]) {
      expect(await access.projectOf(resource, '00000000-0000-4000-8000-000000000000')).toBeNull();
      expect(await access.projectOf(resource, "x' OR '1'='1")).toBeNull();
      expect(await access.projectOf(resource, 42)).toBeNull();
    }
  });

  it('gives members their role, admins OWNER, tokens their own project only', async () => {
    const user = { kind: 'user', userId: member.id, username: 'member', isAdmin: false } as const;
    expect(await access.roleIn(user, projectId)).toBe(ProjectRole.EDITOR);
    expect(await access.roleIn(user, otherProjectId)).toBeNull();
    const root = { kind: 'user', userId: admin.id, username: 'root', isAdmin: true } as const;
    expect(await access.roleIn(root, otherProjectId)).toBe(ProjectRole.OWNER);
    expect(await access.roleIn(root, '00000000-0000-4000-8000-000000000000')).toBeNull();
    const token = {
      kind: 'apiToken',
      tokenId: ids.apiToken,
      tokenName: 'ci',
      projectId,
      role: ProjectRole.VIEWER,
      createdByUserId: member.id,
    } as const;
    expect(await access.roleIn(token, projectId)).toBe(ProjectRole.VIEWER);
    expect(await access.roleIn(token, otherProjectId)).toBeNull();
  });
});
