import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '../auth/principal';

/**
 * Where the global guard reports a mutation it refused, so denied attempts land in the audit log
 * like every other mutation outcome. Implemented by the audit feature.
 */
export abstract class AuditTrail {
  /**
   * Records that the guard refused the operation in `context` (only mutations are recorded).
   *
   * @param projectId the project the attempt was about, when the guard got that far.
   */
  abstract recordDenied(
    context: ExecutionContext,
    principal: Principal | null,
    error: unknown,
    projectId: string | null,
  ): Promise<void>;
}
