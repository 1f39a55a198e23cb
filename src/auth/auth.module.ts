import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Authenticator } from '../common/auth/authenticator';
import type { SwitchyardConfig } from '../config/config';
import { SWITCHYARD_CONFIG } from '../config/config.module';
import { UsersModule } from '../users/users.module';
import { ApiToken } from './api-token.entity';
import { ApiTokensResolver } from './api-tokens.resolver';
import { ApiTokensService } from './api-tokens.service';
import { AuthResolver } from './auth.resolver';
import { AuthService } from './auth.service';

/** Login (JWT), API tokens, and the {@link Authenticator} the global guard uses. */
@Module({
  imports: [
    UsersModule,
    TypeOrmModule.forFeature([ApiToken]),
    JwtModule.registerAsync({
      inject: [SWITCHYARD_CONFIG],
      useFactory: (config: SwitchyardConfig) => ({
        secret: config.auth.jwtSecret,
        signOptions: { algorithm: 'HS256', expiresIn: config.auth.jwtExpiresInSeconds, issuer: 'switchyard' },
        verifyOptions: { algorithms: ['HS256'], issuer: 'switchyard' },
      }),
    }),
  ],
  providers: [
    AuthService,
    ApiTokensService,
    AuthResolver,
    ApiTokensResolver,
    { provide: Authenticator, useExisting: AuthService },
  ],
  exports: [Authenticator, AuthService, ApiTokensService],
})
export class AuthModule {}
