import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '../common/auth/require-permission.decorator';
import { type ReadinessReport, ReadinessService } from './readiness.service';

interface StatusResponse {
  status(code: number): unknown;
}

/** Liveness and readiness probes; public, and they reveal nothing but up/down. */
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** The process is up and serving HTTP. */
  @Get('healthz')
  @Public()
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every dependency is reachable: 200, else 503 with which one is down. */
  @Get('readyz')
  @Public()
  async readyz(
    @Res({ passthrough: true }) res: StatusResponse,
  ): Promise<{ status: 'ready' | 'unready' } & ReadinessReport> {
    const report = await this.readiness.report();
    res.status(report.ready ? 200 : 503);
    return { status: report.ready ? 'ready' : 'unready', ...report };
  }
}
