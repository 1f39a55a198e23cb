import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, QueryFailedError, Repository } from 'typeorm';
import { type Principal, principalLabel } from '../common/auth/principal';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/app-errors';
import type { SwitchyardConfig } from '../config/config';
import { InjectConfig } from '../config/config.module';
import type { SecretInfo } from './dto/secret-info.model';
import type { SecretRefArgs, SecretValueArgs } from './dto/secret-value.args';
import { SecretCipher } from './secret-cipher';
import { Secret } from './secret.entity';

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

function infoOf(row: Secret): SecretInfo {
  return {
    name: row.name,
    version: row.version,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    rotatedAt: row.rotatedAt,
    rotatedBy: row.rotatedBy,
  };
}

/**
 * Project secrets: create, rotate, delete, list names. Values go in encrypted and never come back
 * out through here; only the worker decrypts them (`secret-store.ts`), inside the activity that
 * needs them.
 */
@Injectable()
export class SecretsService {
  private readonly cipher: SecretCipher;

  constructor(
    @InjectRepository(Secret) private readonly secrets: Repository<Secret>,
    @InjectConfig() config: SwitchyardConfig,
  ) {
    this.cipher = new SecretCipher(config.secrets?.keys ?? []);
  }

  /** A project's secrets, by name: metadata only. */
  async list(projectId: string): Promise<SecretInfo[]> {
    const rows = await this.secrets.find({ where: { projectId }, order: { name: 'ASC' } });
    return rows.map(infoOf);
  }

  async create(principal: Principal, args: SecretValueArgs): Promise<SecretInfo> {
    const { projectId, name } = args;
    const row = this.secrets.create({
      projectId,
      name,
      ...this.sealed(args),
      version: 1,
      createdBy: principalLabel(principal),
      rotatedAt: null,
      rotatedBy: null,
    });
    try {
      return infoOf(await this.secrets.save(row));
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError(`Secret ${name} already exists: rotate it to change its value`);
      throw error;
    }
  }

  /** Gives a secret a new value (encrypted with the current key); the next node that reads it gets it. */
  async rotate(principal: Principal, args: SecretValueArgs): Promise<SecretInfo> {
    const row = await this.find(args);
    Object.assign(row, this.sealed(args), {
      version: row.version + 1,
      rotatedAt: new Date(),
      rotatedBy: principalLabel(principal),
    });
    return infoOf(await this.secrets.save(row));
  }

  async delete(args: SecretRefArgs): Promise<SecretInfo> {
    const row = await this.find(args);
    await this.secrets.delete({ id: row.id });
    return infoOf(row);
  }

  /** Of `names`, those the project has no secret for (sorted). */
  async missing(projectId: string, names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await this.secrets.find({ select: { name: true }, where: { projectId, name: In([...names]) } });
    const known = new Set(rows.map((row) => row.name));
    return [...new Set(names)].filter((name) => !known.has(name)).sort();
  }

  private async find({ projectId, name }: SecretRefArgs): Promise<Secret> {
    const row = await this.secrets.findOne({ where: { projectId, name } });
    if (!row) throw new NotFoundError('Secret', name);
    return row;
  }

  private sealed({ projectId, name, value }: SecretValueArgs) {
    if (!this.cipher.canSeal) {
      throw new BadUserInputError(
        [],
        'Secrets are not available: no encryption key is configured (SWITCHYARD_SECRETS_KEYS)',
      );
    }
    return this.cipher.seal(value, { projectId, name });
  }
}
