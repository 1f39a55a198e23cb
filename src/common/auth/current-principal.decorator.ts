import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requestOf, requestState } from '../request/request-state';
import type { Principal } from './principal';

/**
 * The authenticated caller (set by the global guard), or `null` on a `@Public()` method called
 * anonymously. On a method with `@RequirePermission` it is never null.
 *
 * @example
 * @Query(() => User)
 * @RequirePermission(Permission.SIGNED_IN)
 * me(@CurrentPrincipal() principal: Principal) {}
 */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal | null => {
  const req = requestOf(context);
  return req ? (requestState(req).principal ?? null) : null;
});
