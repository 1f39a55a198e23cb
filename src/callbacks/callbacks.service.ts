import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { QueryFailedError, Repository } from 'typeorm';
import { verifyCallbackToken, type CallbackClaims } from '../../activities/callback-token';
import type { JsonValue } from '../../workflows/definition/types';
import { AuditService } from '../audit/audit.service';
import { AuditOutcome } from '../audit/audit-log-entry.entity';
import { isUuid } from '../common/auth/access';
import { InjectConfig } from '../config/config.module';
import { callbackKeyOf, type SwitchyardConfig } from '../config/config';
import { Run } from '../runs/run.entity';
import { completeActivity } from '../temporal/activity-completion';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { CallbackUse } from './callback-use.entity';

/** What the external system POSTs. */
export type CallbackBody = { status: 'success'; output: JsonValue } | { status: 'failure'; message: string };

/** How a callback ended, as an HTTP status and a message for the caller. */
export interface CallbackAnswer {
  httpStatus: number;
  code: string;
  message: string;
}

const MAX_FAILURE_MESSAGE = 2000;

/** Parses the body: `{status: "success", output?}` or `{status: "failure", message}`. */
export function parseCallbackBody(body: unknown): CallbackBody | string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object';
  const { status, output, message } = body as Record<string, unknown>;
  if (status === 'success') return { status, output: (output ?? null) as JsonValue };
  if (status === 'failure') {
    if (typeof message !== 'string' || message.trim() === '') return 'a failure needs a non-empty message';
    if (message.length > MAX_FAILURE_MESSAGE) return `message: at most ${MAX_FAILURE_MESSAGE} characters`;
    return { status, message };
  }
  return 'status must be "success" or "failure"';
}

const UNIQUE_VIOLATION = '23505';

/**
 * Completes callback nodes: checks the token (signature, expiry), consumes it once in PostgreSQL,
 * then completes or fails the waiting activity through Temporal. Each call is audited (action
 * `callback`), without the token.
 */
@Injectable()
export class CallbacksService {
  private readonly key: Buffer;

  constructor(
    @InjectConfig() config: SwitchyardConfig,
    @InjectRepository(CallbackUse) private readonly uses: Repository<CallbackUse>,
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    private readonly temporal: TemporalClientService,
    private readonly audit: AuditService,
    @InjectPinoLogger(CallbacksService.name) private readonly logger: PinoLogger,
  ) {
    this.key = callbackKeyOf(config);
  }

  async handle(token: string, rawBody: unknown, requestId?: string): Promise<CallbackAnswer> {
    const checked = verifyCallbackToken(this.key, token, Date.now());
    if ('problem' in checked) {
      const answer: CallbackAnswer =
        checked.problem === 'expired'
          ? { httpStatus: 410, code: 'EXPIRED', message: 'this callback URL has expired' }
          : { httpStatus: 401, code: 'UNAUTHENTICATED', message: 'invalid callback token' };
      await this.record(checked.claims, AuditOutcome.DENIED, answer, requestId);
      return answer;
    }
    const { claims } = checked;
    const body = parseCallbackBody(rawBody);
    if (typeof body === 'string') {
      const answer = { httpStatus: 400, code: 'BAD_USER_INPUT', message: body };
      await this.record(claims, AuditOutcome.FAILED, answer, requestId);
      return answer;
    }
    try {
      await this.uses.insert({
        tokenId: claims.tokenId,
        runId: claims.switchyardRunId,
        nodeId: claims.nodeId,
        outcome: body.status,
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error as { code?: string }).code === UNIQUE_VIOLATION) {
        const answer = { httpStatus: 409, code: 'CONFLICT', message: 'this callback URL was already used' };
        await this.record(claims, AuditOutcome.DENIED, answer, requestId, body.status);
        return answer;
      }
      throw error;
    }
    let result: 'completed' | 'gone';
    try {
      result = await completeActivity(this.temporal, claims, body);
    } catch (error) {
      // Temporal did not take it: the token may be used again.
      await this.uses.delete({ tokenId: claims.tokenId });
      this.logger.error({ err: error, runId: claims.switchyardRunId, nodeId: claims.nodeId }, 'Callback not delivered');
      const answer = { httpStatus: 503, code: 'UNAVAILABLE', message: 'could not reach the workflow; try again' };
      await this.record(claims, AuditOutcome.FAILED, answer, requestId, body.status);
      return answer;
    }
    const answer =
      result === 'completed'
        ? {
            httpStatus: 200,
            code: 'OK',
            message: `node ${claims.nodeId} ${body.status === 'success' ? 'completed' : 'failed'}`,
          }
        : { httpStatus: 410, code: 'GONE', message: `node ${claims.nodeId} no longer waits for a callback` };
    await this.record(
      claims,
      result === 'completed' ? AuditOutcome.SUCCESS : AuditOutcome.FAILED,
      answer,
      requestId,
      body.status,
    );
    return answer;
  }

  private async record(
    claims: CallbackClaims | undefined,
    outcome: AuditOutcome,
    answer: CallbackAnswer,
    requestId?: string,
    status?: string,
  ): Promise<void> {
    let projectId: string | null = null;
    if (claims && isUuid(claims.switchyardRunId)) {
      const run = await this.runs.findOne({
        where: { id: claims.switchyardRunId },
        select: { id: true, projectId: true },
      });
      projectId = run?.projectId ?? null;
    }
    await this.audit.record({
      action: 'callback',
      actor: 'callback',
      outcome,
      resourceType: claims ? 'run' : null,
      resourceId: claims?.switchyardRunId ?? null,
      projectId,
      errorCode: outcome === AuditOutcome.SUCCESS ? null : answer.code,
      detail: {
        ...(claims ? { nodeId: claims.nodeId } : {}),
        ...(status ? { status } : {}),
        httpStatus: answer.httpStatus,
      },
      requestId: requestId ?? null,
    });
  }
}
