import { Permission, PERMISSIONS } from './permissions';
import { projectArg, RequirePermission } from './require-permission.decorator';
import { PROJECT_ROLES, ProjectRole, roleAtLeast, weakerRole } from './roles';

describe('PERMISSIONS', () => {
  it('has exactly one rule per permission', () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual(Object.values(Permission).sort());
  });

  it('grants each role what the product contract says', () => {
    const grantedTo = (role: ProjectRole) =>
      Object.entries(PERMISSIONS)
        .filter(([, rule]) => rule.scope === 'project' && roleAtLeast(role, rule.minRole))
        .map(([permission]) => permission)
        .sort();
    expect(grantedTo(ProjectRole.VIEWER)).toEqual([
      'API_TOKEN_CREATE',
      'API_TOKEN_REVOKE',
      'AUDIT_READ',
      'PROJECT_READ',
    ]);
    expect(grantedTo(ProjectRole.OPERATOR)).toEqual([
      'API_TOKEN_CREATE',
      'API_TOKEN_REVOKE',
      'APPROVAL_DECIDE',
      'AUDIT_READ',
      'PROJECT_READ',
      'RUN_OPERATE',
      'RUN_START',
    ]);
    expect(grantedTo(ProjectRole.EDITOR)).toEqual(
      expect.arrayContaining(['TEMPLATE_WRITE', 'SCHEDULE_WRITE', 'RUN_START']),
    );
    expect(grantedTo(ProjectRole.EDITOR)).not.toContain('MEMBER_MANAGE');
    expect(grantedTo(ProjectRole.OWNER)).toContain('MEMBER_MANAGE');
    for (const permission of [Permission.PROJECT_CREATE, Permission.USER_ADMIN, Permission.SYSTEM_AUDIT_READ]) {
      expect(PERMISSIONS[permission].scope).toBe('admin');
    }
  });

  it('orders roles', () => {
    expect(PROJECT_ROLES).toEqual(['viewer', 'operator', 'editor', 'owner']);
    expect(roleAtLeast(ProjectRole.EDITOR, ProjectRole.OPERATOR)).toBe(true);
    expect(roleAtLeast(ProjectRole.OPERATOR, ProjectRole.EDITOR)).toBe(false);
    expect(roleAtLeast(null, ProjectRole.VIEWER)).toBe(false);
    expect(weakerRole(ProjectRole.OWNER, ProjectRole.OPERATOR)).toBe(ProjectRole.OPERATOR);
  });
});

describe(RequirePermission.name, () => {
  it('refuses declarations that cannot be checked', () => {
    expect(() => RequirePermission(Permission.RUN_START)).toThrow(/needs \{ project/);
    expect(() => RequirePermission(Permission.USER_ADMIN, { project: projectArg() })).toThrow(/takes no project/);
    expect(() => RequirePermission(Permission.RUN_START, { project: projectArg() })).not.toThrow();
  });
});
