import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { AuditService } from './audit.service';

/**
 * Writes every GraphQL mutation that got past the guard to the audit log, with its outcome
 * (SUCCESS, or FAILED/DENIED and the error code), before the response leaves.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.audit.describe(context)) return next.handle();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await this.audit.recordOutcome(context, { result });
        return result;
      }),
      catchError((error: unknown) =>
        from(this.audit.recordOutcome(context, { error })).pipe(mergeMap(() => throwError(() => error))),
      ),
    );
  }
}
