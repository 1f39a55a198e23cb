import { ProjectRole } from './roles';

/**
 * Everything a resolver can require. Each one has exactly one rule in {@link PERMISSIONS}: the
 * single table that says who may do what. Add a permission here, give it a rule, and declare it on
 * the resolver with `@RequirePermission(Permission.X, ...)`.
 */
export enum Permission {
  /** Any signed-in user or API token (`me`, the list of one's own projects). */
  SIGNED_IN = 'SIGNED_IN',
  /** Read a project and everything in it: members, templates, runs, schedules. */
  PROJECT_READ = 'PROJECT_READ',
  /** Read a project's audit log. */
  AUDIT_READ = 'AUDIT_READ',
  /** Create an API token for a project, with a role no higher than one's own. */
  API_TOKEN_CREATE = 'API_TOKEN_CREATE',
  /** Revoke an API token (one's own; owners revoke any token of their project). */
  API_TOKEN_REVOKE = 'API_TOKEN_REVOKE',
  /** Start a run. */
  RUN_START = 'RUN_START',
  /** Steer a run: pause, resume, cancel, retry or skip a node. */
  RUN_OPERATE = 'RUN_OPERATE',
  /** Approve or reject an approval node. */
  APPROVAL_DECIDE = 'APPROVAL_DECIDE',
  /** Create templates and publish template versions. */
  TEMPLATE_WRITE = 'TEMPLATE_WRITE',
  /** Create, change, pause and delete schedules. */
  SCHEDULE_WRITE = 'SCHEDULE_WRITE',
  /**
   * Create, rotate and delete project secrets (values are write-only for everyone; viewers list
   * names and metadata through PROJECT_READ, since templates must name them).
   */
  SECRET_WRITE = 'SECRET_WRITE',
  /** Add, change and remove project members. */
  MEMBER_MANAGE = 'MEMBER_MANAGE',
  /** Create projects (global admins only). */
  PROJECT_CREATE = 'PROJECT_CREATE',
  /** List and create users (global admins only). */
  USER_ADMIN = 'USER_ADMIN',
  /** Read audit entries that belong to no project: logins, user administration (global admins only). */
  SYSTEM_AUDIT_READ = 'SYSTEM_AUDIT_READ',
  /**
   * Register the plugins a worker of their own serves (a remote plugin worker at start): global admins,
   * and OWNER API tokens a global admin created (the worker's credential).
   */
  PLUGIN_REGISTER = 'PLUGIN_REGISTER',
}

/**
 * Who a permission is granted to:
 * - `signedIn`: any authenticated principal;
 * - `project`: a principal whose role in the project is `minRole` or higher (global admins always);
 * - `admin`: global admins only (API tokens never are), unless `adminTokens`: then also API tokens
 *   with the OWNER role whose creator is (still) a global admin, for platform services such as
 *   remote plugin workers.
 */
export type PermissionRule =
  | { readonly scope: 'signedIn' }
  | { readonly scope: 'project'; readonly minRole: ProjectRole }
  | { readonly scope: 'admin'; readonly adminTokens?: boolean };

/** THE permission table: every permission and the least role that grants it. */
export const PERMISSIONS: { readonly [P in Permission]: PermissionRule } = {
  [Permission.SIGNED_IN]: { scope: 'signedIn' },
  [Permission.PROJECT_READ]: { scope: 'project', minRole: ProjectRole.VIEWER },
  [Permission.AUDIT_READ]: { scope: 'project', minRole: ProjectRole.VIEWER },
  [Permission.API_TOKEN_CREATE]: { scope: 'project', minRole: ProjectRole.VIEWER },
  [Permission.API_TOKEN_REVOKE]: { scope: 'project', minRole: ProjectRole.VIEWER },
  [Permission.RUN_START]: { scope: 'project', minRole: ProjectRole.OPERATOR },
  [Permission.RUN_OPERATE]: { scope: 'project', minRole: ProjectRole.OPERATOR },
  [Permission.APPROVAL_DECIDE]: { scope: 'project', minRole: ProjectRole.OPERATOR },
  [Permission.TEMPLATE_WRITE]: { scope: 'project', minRole: ProjectRole.EDITOR },
  [Permission.SCHEDULE_WRITE]: { scope: 'project', minRole: ProjectRole.EDITOR },
  [Permission.SECRET_WRITE]: { scope: 'project', minRole: ProjectRole.EDITOR },
  [Permission.MEMBER_MANAGE]: { scope: 'project', minRole: ProjectRole.OWNER },
  [Permission.PROJECT_CREATE]: { scope: 'admin' },
  [Permission.USER_ADMIN]: { scope: 'admin' },
  [Permission.SYSTEM_AUDIT_READ]: { scope: 'admin' },
  [Permission.PLUGIN_REGISTER]: { scope: 'admin', adminTokens: true },
};
