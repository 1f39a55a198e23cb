import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { OutputStore } from '../../activities/output-store';

/**
 * The platform worker's {@link OutputStore}: large node outputs in `node_outputs`, so any worker
 * (and the API) can read what another worker stored.
 */
export function createPostgresOutputStore(dataSource: DataSource): OutputStore {
  return {
    async put(runId, nodeId, json) {
      const key = `output:${randomUUID()}`;
      await dataSource.query(
        'INSERT INTO node_outputs (key, run_id, node_id, size, value) VALUES ($1, $2, $3, $4, $5)',
        [key, runId.slice(0, 64), nodeId.slice(0, 64), Buffer.byteLength(json), json],
      );
      return key;
    },
    async get(key) {
      const rows = await dataSource.query<Array<{ value: string }>>('SELECT value FROM node_outputs WHERE key = $1', [
        key,
      ]);
      return rows[0]?.value;
    },
  };
}
