import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash } from 'node:crypto';
import { AccessCache } from '../common/auth/access-cache';
import { Authenticator } from '../common/auth/authenticator';
import type { Principal, UserPrincipal } from '../common/auth/principal';
import { UnauthenticatedError } from '../common/errors/app-errors';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { ApiTokensService, type CheckedCredential } from './api-tokens.service';
import { looksLikeApiToken } from './api-token-secret';

/** Claims of a login token. */
interface LoginClaims {
  sub: string;
  typ: 'login';
  exp?: number;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Sign-in and authentication: `login` checks an argon2 password and issues a JWT (HS256);
 * `authenticate` turns `Authorization: Bearer <jwt | sy_token>` into a principal, reused for a few
 * seconds per credential ({@link AccessCache}; never past the credential's expiry).
 */
@Injectable()
export class AuthService extends Authenticator {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly apiTokens: ApiTokensService,
    private readonly cache: AccessCache,
  ) {
    super();
  }

  /** @throws {UnauthenticatedError} "Invalid username or password", the same for unknown users. */
  async login(username: string, password: string): Promise<{ token: string; expiresAt: Date; user: User }> {
    const user = await this.users.checkPassword(username, password);
    if (!user) throw new UnauthenticatedError('Invalid username or password');
    const token = await this.jwt.signAsync({ sub: user.id, typ: 'login' } satisfies LoginClaims);
    const { exp } = this.jwt.decode<LoginClaims>(token);
    return { token, expiresAt: new Date((exp ?? 0) * 1000), user };
  }

  override async authenticate(authorization: string | undefined): Promise<Principal | null> {
    if (!authorization?.trim()) return null;
    const credential = BEARER.exec(authorization)?.[1];
    if (!credential) throw new UnauthenticatedError('Malformed Authorization header: expected "Bearer <token>"');
    const checked = await this.cache.get<CheckedCredential>(
      `credential:${createHash('sha256').update(credential, 'utf8').digest('hex')}`,
      () => (looksLikeApiToken(credential) ? this.apiTokens.check(credential) : this.checkJwt(credential)),
      ({ expiresAt }) => expiresAt,
    );
    return checked.principal;
  }

  private async checkJwt(token: string): Promise<CheckedCredential<UserPrincipal>> {
    let claims: LoginClaims;
    try {
      claims = await this.jwt.verifyAsync<LoginClaims>(token);
    } catch {
      throw new UnauthenticatedError('Invalid or expired token');
    }
    if (claims.typ !== 'login' || typeof claims.sub !== 'string') throw new UnauthenticatedError('Invalid token');
    const user = await this.users.findById(claims.sub);
    if (!user) throw new UnauthenticatedError('Invalid token: the user no longer exists');
    return {
      principal: { kind: 'user', userId: user.id, username: user.username, isAdmin: user.isAdmin },
      expiresAt: claims.exp === undefined ? null : claims.exp * 1000,
    };
  }
}
