import { Body, Controller, Delete, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Payload } from '@temporalio/common';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Permission } from '../common/auth/permissions';
import type { Principal } from '../common/auth/principal';
import { Public, RequirePermission } from '../common/auth/require-permission.decorator';
import { BadUserInputError, ForbiddenError } from '../common/errors/app-errors';
import type { SwitchyardConfig } from '../config/config';
import { InjectConfig } from '../config/config.module';
import {
  EncryptionCodec,
  isEncryptedPayload,
  PayloadDecryptionError,
  payloadWorkflowId,
  UnknownPayloadKeyError,
} from '../temporal/payload-codec';
import { CodecAccessService } from './codec-access.service';
import { type JsonPayload, payloadsFromJson, payloadsToJson } from './codec-payloads';
import { clearedSessionCookie, secondsUntilExpiry, sessionCookie } from './codec-session';

interface CodecRequest {
  headers: Record<string, string | string[] | undefined>;
  secure?: boolean;
}

interface CookieResponse {
  setHeader(name: string, value: string): unknown;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Temporal's remote codec protocol for the Temporal Web UI and CLI (`POST /codec/decode`,
 * `POST /codec/encode`, body `{"payloads": [{"metadata": {...}, "data": "..."}]}` in proto JSON,
 * header `X-Namespace`), and the cookie session the admin frontend opens for the UI.
 *
 * Authorization is per run: an encrypted payload carries its workflow id (bound to the cipher),
 * and decodes only for callers who may read that run's project ({@link CodecAccessService}).
 * The guard is bypassed (`@Public`) for decode/encode because the caller may come with the session
 * cookie, which no other endpoint accepts; both still refuse anonymous callers (401).
 */
@Controller('codec')
export class CodecController {
  private readonly codec: EncryptionCodec;
  private readonly namespace: string;

  constructor(
    @InjectConfig() config: SwitchyardConfig,
    private readonly access: CodecAccessService,
  ) {
    this.codec = new EncryptionCodec(config.payloads.keyring);
    this.namespace = config.temporal.namespace;
  }

  /**
   * Decrypts the payloads the caller may read; the others come back unchanged (still encrypted).
   * 403 when every encrypted payload was withheld; 400 for a payload that does not decrypt (an
   * unknown key id is named).
   */
  @Post('decode')
  @HttpCode(200)
  @Public()
  async decode(@Req() req: CodecRequest, @Body() body: unknown): Promise<{ payloads: JsonPayload[] }> {
    const principal = await this.access.principal(req.headers);
    this.checkNamespace(req);
    const payloads = payloadsFromJson(body);
    const encrypted = payloads.filter(isEncryptedPayload);
    const readable = await this.access.readable(principal, new Set(encrypted.map(payloadWorkflowId)));
    if (encrypted.length > 0 && !encrypted.some((payload) => readable.has(payloadWorkflowId(payload)))) {
      throw new ForbiddenError('You may not read the runs these payloads belong to');
    }
    const decoded = payloads.map((payload, index): Payload => {
      if (!isEncryptedPayload(payload) || !readable.has(payloadWorkflowId(payload))) return payload;
      try {
        return this.codec.decrypt(payload);
      } catch (error) {
        if (error instanceof UnknownPayloadKeyError || error instanceof PayloadDecryptionError) {
          throw new BadUserInputError([{ path: `payloads[${index}]`, message: error.message }], error.message);
        }
        throw error;
      }
    });
    return payloadsToJson(decoded);
  }

  /**
   * Encrypts payloads (input the Temporal UI sends with a signal, an update or a start) with the
   * current key. The UI does not say for which workflow, so these name none: only global admins
   * can read them back through `decode`; workers read them as any other payload.
   */
  @Post('encode')
  @HttpCode(200)
  @Public()
  async encode(@Req() req: CodecRequest, @Body() body: unknown): Promise<{ payloads: JsonPayload[] }> {
    await this.access.principal(req.headers);
    this.checkNamespace(req);
    const payloads = payloadsFromJson(body);
    return payloadsToJson(payloads.map((payload) => this.codec.encrypt(payload, undefined)));
  }

  /**
   * Exchanges the caller's login token (`Authorization: Bearer <jwt>`) for the codec session
   * cookie, valid as long as the token; the admin frontend calls it after signing in.
   */
  @Post('session')
  @HttpCode(204)
  @RequirePermission(Permission.SIGNED_IN)
  openSession(
    @Req() req: CodecRequest,
    @Res({ passthrough: true }) res: CookieResponse,
    @CurrentPrincipal() principal: Principal,
  ): void {
    const header = req.headers.authorization;
    const token = BEARER.exec(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''))?.[1];
    if (principal.kind !== 'user' || !token) {
      throw new BadUserInputError([], 'Only a login token (not an API token) opens a codec session');
    }
    res.setHeader('Set-Cookie', sessionCookie(token, secondsUntilExpiry(token), req.secure === true));
  }

  /** Removes the codec session cookie (signing out of the admin frontend). */
  @Delete('session')
  @HttpCode(204)
  @Public()
  closeSession(@Req() req: CodecRequest, @Res({ passthrough: true }) res: CookieResponse): void {
    res.setHeader('Set-Cookie', clearedSessionCookie(req.secure === true));
  }

  private checkNamespace(req: CodecRequest): void {
    const header = req.headers['x-namespace'];
    const namespace = Array.isArray(header) ? header[0] : header;
    if (namespace && namespace !== this.namespace) {
      throw new BadUserInputError(
        [{ path: 'X-Namespace', message: `this codec serves namespace "${this.namespace}"` }],
        `This codec serves namespace "${this.namespace}", not "${namespace}"`,
      );
    }
  }
}
