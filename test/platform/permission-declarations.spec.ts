import { Module } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Query, Resolver } from '@nestjs/graphql';
import { collectEndpoints, declarationProblems, type Endpoint } from '../../src/common/auth/permission-declarations';
import { errorCode, startTestApp, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';

/** A resolver that forgot to declare its permission. */
@Resolver()
class ForgetfulResolver {
  @Query(() => String)
  leakyQuery(): string {
    return 'secret';
  }
}

@Module({ providers: [ForgetfulResolver] })
class ForgetfulModule {}

/**
 * Who may call what, for the platform's own endpoints. A change here changes who can reach an
 * endpoint: review it as a permission change.
 */
const PLATFORM_DECLARATIONS: Record<string, string> = {
  'ApiTokensResolver.apiTokens': 'PROJECT_READ project from arg projectId',
  'ApiTokensResolver.createApiToken': 'API_TOKEN_CREATE project from arg projectId',
  'ApiTokensResolver.revokeApiToken': 'API_TOKEN_REVOKE project from resource apiToken id',
  'AuditResolver.auditLog': 'AUDIT_READ project from arg projectId',
  'AuditResolver.systemAuditLog': 'SYSTEM_AUDIT_READ',
  'AuthResolver.login': 'PUBLIC',
  'CallbacksController.complete': 'PUBLIC',
  'CodecController.closeSession': 'PUBLIC',
  'CodecController.decode': 'PUBLIC',
  'CodecController.encode': 'PUBLIC',
  'CodecController.openSession': 'SIGNED_IN',
  'HealthController.healthz': 'PUBLIC',
  'HealthController.readyz': 'PUBLIC',
  'MetricsController.scrape': 'PUBLIC',
  'ProjectsResolver.addMember': 'MEMBER_MANAGE project from arg projectId',
  'ProjectsResolver.changeMember': 'MEMBER_MANAGE project from arg projectId',
  'ProjectsResolver.createProject': 'PROJECT_CREATE',
  'ProjectsResolver.members': 'PROJECT_READ project from parent id',
  'ProjectsResolver.myRole': 'SIGNED_IN',
  'ProjectsResolver.project': 'PROJECT_READ project from arg id',
  'ProjectsResolver.projects': 'SIGNED_IN',
  'ProjectsResolver.removeMember': 'MEMBER_MANAGE project from arg projectId',
  'PluginsCatalogResolver.registerPlugins': 'PLUGIN_REGISTER',
  'UsersResolver.createUser': 'USER_ADMIN',
  'UsersResolver.me': 'SIGNED_IN',
  'UsersResolver.users': 'USER_ADMIN',
};

function summary(endpoint: Endpoint): string {
  if (endpoint.isPublic && !endpoint.declaration) return 'PUBLIC';
  if (!endpoint.declaration) return 'UNDECLARED';
  const { permission, project } = endpoint.declaration;
  if (!project) return permission;
  const where =
    project.from === 'resource' ? `resource ${project.resource} ${project.path}` : `${project.from} ${project.path}`;
  return `${permission} project from ${where}`;
}

/** The endpoints of a running app (started with DiscoveryModule among its imports). */
function endpointsOf(api: TestApp): Endpoint[] {
  const get = <T>(token: new (...args: never[]) => T): T => api.app.get(token, { strict: false });
  return collectEndpoints(get(DiscoveryService), get(MetadataScanner), get(Reflector));
}

describe('permission declarations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('every resolver method and HTTP handler of the app declares a permission or @Public()', async () => {
    const api = await startTestApp({ db, config: { logLevel: 'silent' }, app: { imports: [DiscoveryModule] } });
    try {
      const endpoints = endpointsOf(api);
      // The enumeration really sees the API: every known endpoint is found.
      expect(endpoints.map((e) => e.name)).toEqual(expect.arrayContaining(Object.keys(PLATFORM_DECLARATIONS)));
      expect(declarationProblems(endpoints)).toEqual([]);
      const platform = Object.fromEntries(
        endpoints.filter((e) => e.name in PLATFORM_DECLARATIONS).map((e) => [e.name, summary(e)]),
      );
      expect(platform).toEqual(PLATFORM_DECLARATIONS);
      expect(endpoints.filter((e) => e.kind === 'Mutation').length).toBeGreaterThanOrEqual(8);
    } finally {
      await api.close();
    }
  });

  it('flags a resolver that declares nothing', async () => {
    const api = await startTestApp({
      db,
      config: { logLevel: 'silent' },
      app: { imports: [ForgetfulModule, DiscoveryModule] },
    });
    try {
      const problems = declarationProblems(endpointsOf(api));
      expect(problems).toEqual([
        'ForgetfulResolver.leakyQuery: declares neither @RequirePermission(...) nor @Public()',
      ]);
    } finally {
      await api.close();
    }
  });

  it('and the guard refuses to run it, even for an admin', async () => {
    const api = await startTestApp({ db, app: { imports: [ForgetfulModule] } });
    try {
      const admin = await api.login('admin', 'admin-password-for-tests');
      const result = await api.gql('{ leakyQuery }', undefined, admin);
      expect(result.data).toBeNull();
      expect(errorCode(result)).toBe('FORBIDDEN');
      expect(JSON.stringify(result)).not.toContain('secret');
    } finally {
      await api.close();
    }
  });
});
