import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { Public } from '../common/auth/require-permission.decorator';
import { requestIdOf } from '../common/request/request-state';
import { CallbacksService } from './callbacks.service';

interface StatusResponse {
  status(code: number): unknown;
}

/**
 * `POST /callbacks/:token`: an external system completes a waiting callback node. Public: the
 * signed, single-use token is the credential. 200 done, 400 bad body, 401 forged token, 409 used
 * already, 410 expired or no longer waiting, 503 Temporal unreachable (the token stays usable).
 */
@Controller('callbacks')
export class CallbacksController {
  constructor(private readonly callbacks: CallbacksService) {}

  @Post(':token')
  @Public()
  @HttpCode(200)
  async complete(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: unknown,
    @Res({ passthrough: true }) res: StatusResponse,
  ): Promise<{ status: string; message: string }> {
    const answer = await this.callbacks.handle(token, body, requestIdOf(req as Parameters<typeof requestIdOf>[0]));
    res.status(answer.httpStatus);
    return { status: answer.code, message: answer.message };
  }
}
