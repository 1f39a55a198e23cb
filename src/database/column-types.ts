import { PROJECT_ROLES } from '../common/auth/roles';

/** SQL list of allowed values for a CHECK constraint: `'a', 'b'`. */
export function sqlValues(values: readonly string[]): string {
  return values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ');
}

/** CHECK expression for a `role` column holding a project role. */
export const ROLE_CHECK = `"role" IN (${sqlValues(PROJECT_ROLES)})`;

/** Every timestamp is stored with its time zone. */
export const TIMESTAMP = 'timestamptz' as const;
