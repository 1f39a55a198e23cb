import { type DataSource, In } from 'typeorm';
import type { SecretResolver } from '../../activities/secret-resolver';
import type { SecretsKey } from '../config/config';
import { SecretCipher } from './secret-cipher';
import { Secret } from './secret.entity';

/**
 * The decrypted values of some of a project's secrets; names without a secret are absent.
 * The only place a plaintext value is read back, for the worker's activities.
 */
export async function readSecretValues(
  dataSource: DataSource,
  cipher: SecretCipher,
  projectId: string,
  names: readonly string[],
): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  if (names.length === 0) return values;
  const rows = await dataSource.getRepository(Secret).find({ where: { projectId, name: In([...names]) } });
  for (const row of rows) values.set(row.name, cipher.open(row, { projectId, name: row.name }));
  return values;
}

/**
 * The platform worker's {@link SecretResolver}: the run's project's secrets from PostgreSQL,
 * decrypted with the configured keys. A run without a project has no secrets.
 *
 * @example createPluginActivities({ registry, secrets: databaseSecretResolver(dataSource, config.secrets.keys) })
 */
export function databaseSecretResolver(dataSource: DataSource, keys: readonly SecretsKey[]): SecretResolver {
  const cipher = new SecretCipher(keys);
  return {
    source: "the run's project secrets",
    resolve: async (scope, names) =>
      scope.projectId ? readSecretValues(dataSource, cipher, scope.projectId, names) : new Map<string, string>(),
  };
}
