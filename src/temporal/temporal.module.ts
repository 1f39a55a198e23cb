import { Module } from '@nestjs/common';
import { TemporalClientService } from './temporal-client.service';

/**
 * The API's Temporal client ({@link TemporalClientService}): connection, client, `/readyz` check and
 * search attributes. Import it where workflows are started, signalled or queried.
 */
@Module({
  providers: [TemporalClientService],
  exports: [TemporalClientService],
})
export class TemporalModule {}
