import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CodecAccessService } from './codec-access.service';
import { CodecController } from './codec.controller';
import { CodecCorsMiddleware } from './codec-cors.middleware';

/**
 * The codec endpoint (`/codec/decode`, `/codec/encode`, `/codec/session`) with its CORS, so the
 * Temporal Web UI shows decrypted payloads to the people allowed to see the run.
 */
@Module({
  imports: [AuthModule],
  controllers: [CodecController],
  providers: [CodecAccessService],
})
export class CodecModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CodecCorsMiddleware).forRoutes({ path: 'codec/{*path}', method: RequestMethod.ALL });
  }
}
