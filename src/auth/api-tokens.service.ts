import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AccessCache } from '../common/auth/access-cache';
import type { ApiTokenPrincipal, Principal } from '../common/auth/principal';
import { ProjectAccessService } from '../common/auth/project-access.service';
import { isProjectRole, ProjectRole, roleAtLeast, weakerRole } from '../common/auth/roles';
import { BadUserInputError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../common/errors/app-errors';
import { displayPrefix, generateApiToken, hashApiToken } from './api-token-secret';
import { ApiToken } from './api-token.entity';

/** A credential found valid: whose it is, and until when it stays valid (epoch ms; `null`: no expiry). */
export interface CheckedCredential<P extends Principal = Principal> {
  principal: P;
  expiresAt: number | null;
}

/**
 * API tokens: minted for one project with a role no higher than the creator's, stored as SHA-256,
 * shown once. At use, a token's role is capped by its creator's CURRENT role in the project, so
 * removing or demoting a member also disarms the tokens they created.
 */
@Injectable()
export class ApiTokensService {
  constructor(
    @InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>,
    private readonly access: ProjectAccessService,
    private readonly cache: AccessCache,
  ) {}

  /**
   * Creates a token and returns it with the secret, which is not stored and cannot be shown again.
   *
   * @throws {ForbiddenError} when the caller is an API token or asks for a role above their own.
   */
  async create(
    principal: Principal,
    input: { projectId: string; role: ProjectRole; name: string; expiresAt?: Date | null },
  ): Promise<{ token: string; apiToken: ApiToken }> {
    if (principal.kind !== 'user') throw new ForbiddenError('API tokens cannot create API tokens');
    const own = await this.access.roleIn(principal, input.projectId);
    if (!own) throw new NotFoundError('Project', input.projectId);
    if (!roleAtLeast(own, input.role)) {
      throw new ForbiddenError(
        `Cannot create a token with role ${input.role.toUpperCase()} above your own role ${own.toUpperCase()}`,
      );
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new BadUserInputError([{ path: 'expiresAt', message: 'must be in the future' }]);
    }
    const token = generateApiToken();
    const apiToken = await this.tokens.save(
      this.tokens.create({
        name: input.name,
        tokenHash: hashApiToken(token),
        prefix: displayPrefix(token),
        projectId: input.projectId,
        role: input.role,
        createdById: principal.userId,
        expiresAt: input.expiresAt ?? null,
      }),
    );
    return { token, apiToken };
  }

  /**
   * Revokes a token (idempotent). Allowed to its creator, to owners of its project and to admins;
   * a token may revoke itself.
   */
  async revoke(principal: Principal, id: string): Promise<ApiToken> {
    const token = await this.tokens.findOneBy({ id });
    if (!token) throw new NotFoundError('API token', id);
    const allowed =
      principal.kind === 'apiToken'
        ? principal.tokenId === token.id
        : token.createdById === principal.userId ||
          roleAtLeast(await this.access.roleIn(principal, token.projectId), ProjectRole.OWNER);
    if (!allowed) throw new ForbiddenError('Only the creator of a token or an owner of its project can revoke it');
    if (!token.revokedAt) {
      token.revokedAt = new Date();
      await this.tokens.update({ id: token.id }, { revokedAt: token.revokedAt });
      this.cache.invalidate();
    }
    return token;
  }

  /** The tokens of a project the caller may see: all of them for owners and admins, else their own. */
  async list(principal: Principal, projectId: string): Promise<ApiToken[]> {
    if (principal.kind === 'apiToken') {
      return principal.projectId === projectId ? this.tokens.findBy({ id: principal.tokenId }) : [];
    }
    const role = await this.access.roleIn(principal, projectId);
    const where = roleAtLeast(role, ProjectRole.OWNER) ? { projectId } : { projectId, createdById: principal.userId };
    return this.tokens.find({ where, order: { createdAt: 'DESC' } });
  }

  /**
   * The principal of a presented token, and when the token expires.
   *
   * @throws {UnauthenticatedError} unknown, revoked or expired token, or its creator lost their role.
   */
  async check(token: string): Promise<CheckedCredential<ApiTokenPrincipal>> {
    const rows: Array<{
      id: string;
      name: string;
      project_id: string;
      role: string;
      created_by_id: string;
      expires_at: Date | null;
      creator_is_admin: boolean;
      creator_role: string | null;
    }> = await this.tokens.query(
      `SELECT t.id, t.name, t.project_id, t.role, t.created_by_id, t.expires_at,
              u.is_admin AS creator_is_admin, m.role AS creator_role
         FROM api_tokens t
         JOIN users u ON u.id = t.created_by_id
         LEFT JOIN memberships m ON m.project_id = t.project_id AND m.user_id = t.created_by_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [hashApiToken(token)],
    );
    const row = rows[0];
    if (!row || !isProjectRole(row.role)) throw new UnauthenticatedError('Invalid, expired or revoked API token');
    let role: ProjectRole = row.role;
    if (!row.creator_is_admin) {
      if (!isProjectRole(row.creator_role)) {
        throw new UnauthenticatedError('API token no longer valid: its creator has no role in the project any more');
      }
      role = weakerRole(role, row.creator_role);
    }
    await this.tokens.query(
      `UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [row.id],
    );
    return {
      principal: {
        kind: 'apiToken',
        tokenId: row.id,
        tokenName: row.name,
        projectId: row.project_id,
        role,
        createdByUserId: row.created_by_id,
        createdByAdmin: row.creator_is_admin,
      },
      expiresAt: row.expires_at ? row.expires_at.getTime() : null,
    };
  }
}
