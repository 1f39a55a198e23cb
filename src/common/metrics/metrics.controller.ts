import { Controller, Get, Header } from '@nestjs/common';
import { Registry } from 'prom-client';
import { Public } from '../auth/require-permission.decorator';
import { MetricsService } from './metrics.service';

/** Prometheus scrape endpoint. Public like most scrape targets: keep the API port off the internet. */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @Public()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  async scrape(): Promise<string> {
    return (await this.metrics.render()).body;
  }
}
