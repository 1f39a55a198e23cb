/**
 * THE access table: for each kind of resource a resolver can be asked about by id, how to find the
 * project it belongs to. The guard resolves `@RequirePermission(..., { project: projectOf('run', 'id') })`
 * through it, then checks the caller's role in that project. One SQL statement per resource, `$1`
 * the resource id, returning one `project_id` column (no row: the resource does not exist).
 *
 * Add a row when you add a resource type; `test/platform/access-table.spec.ts` runs every query
 * against a migrated database.
 */
export const RESOURCE_ACCESS = {
  project: { label: 'Project', sql: 'SELECT id AS project_id FROM projects WHERE id = $1' },
  template: { label: 'Template', sql: 'SELECT project_id FROM templates WHERE id = $1' },
  templateVersion: {
    label: 'Template version',
    sql: 'SELECT t.project_id FROM template_versions v JOIN templates t ON t.id = v.template_id WHERE v.id = $1',
  },
  run: { label: 'Run', sql: 'SELECT project_id FROM runs WHERE id = $1' },
  schedule: { label: 'Schedule', sql: 'SELECT project_id FROM schedules WHERE id = $1' },
  apiToken: { label: 'API token', sql: 'SELECT project_id FROM api_tokens WHERE id = $1' },
} as const satisfies Record<string, { label: string; sql: string }>;

/** A resource kind of {@link RESOURCE_ACCESS}. */
export type AccessResource = keyof typeof RESOURCE_ACCESS;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every id in the platform is a UUID; anything else cannot name a resource. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
