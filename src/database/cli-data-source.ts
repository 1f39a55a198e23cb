/**
 * The DataSource the TypeORM CLI loads (`migration:generate`, `migration:run`, `migration:revert`):
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch \
 *     node -r @swc-node/register node_modules/typeorm/cli.js migration:generate \
 *     -d src/database/cli-data-source.ts src/database/migrations/<Name>
 *
 * Not used by the application.
 */
import 'reflect-metadata';
import { createDataSource } from './data-source';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL must point at the database to compare the entities with');

export default createDataSource(url);
