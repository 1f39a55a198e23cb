import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { SwitchyardConfig } from '../config/config';
import { InjectConfig } from '../config/config.module';
import { generatePassword } from './password';
import { UsersService } from './users.service';

/** Username of the global admin created on first start. */
export const ADMIN_USERNAME = 'admin';

/**
 * On first start, creates the global admin `admin` with `SWITCHYARD_ADMIN_PASSWORD`, or with a
 * generated password printed once to stdout. Later starts change nothing (the password in the
 * environment is not re-applied; the admin keeps the password they have).
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  constructor(
    private readonly users: UsersService,
    @InjectConfig() private readonly config: SwitchyardConfig,
    @InjectPinoLogger(AdminBootstrapService.name) private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.users.findByUsername(ADMIN_USERNAME)) return;
    const fromEnv = this.config.auth.adminPassword;
    const password = fromEnv ?? generatePassword();
    const created = await this.users.createIfAbsent({ username: ADMIN_USERNAME, password, isAdmin: true });
    if (!created) return;
    if (fromEnv) {
      this.logger.info('Created the admin user with the password from SWITCHYARD_ADMIN_PASSWORD');
    } else {
      this.logger.info('Created the admin user with a generated password (printed once to stdout, not logged)');
      // Deliberately stdout and not the logger: the password must never reach log storage.
      process.stdout.write(
        `\nSwitchyard: created user "${ADMIN_USERNAME}" with password: ${password}\n` +
          'This password is shown only once. Set SWITCHYARD_ADMIN_PASSWORD before the first start to choose it.\n\n',
      );
    }
  }
}
