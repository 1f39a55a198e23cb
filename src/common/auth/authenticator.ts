import type { Principal } from './principal';

/**
 * Turns an `Authorization` header into a principal. Implemented by the auth feature (JWT login
 * tokens and `sy_` API tokens) and used by the global guard, which keeps common/ free of features.
 */
export abstract class Authenticator {
  /**
   * @returns the principal, or `null` when the header is absent.
   * @throws {UnauthenticatedError} when credentials are present but invalid, expired or revoked.
   */
  abstract authenticate(authorization: string | undefined): Promise<Principal | null>;
}
