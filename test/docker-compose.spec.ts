/** The production compose file parses and has the shape the platform needs (no Docker engine here to run it). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SWITCHYARD_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  deploy?: { replicas?: number };
}

const compose = parse(readFileSync(join(__dirname, '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

describe('docker-compose.yml', () => {
  it('names PostgreSQL, the Temporal server with PostgreSQL persistence, its UI, the API and scalable workers', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'api', 'worker']),
    );
    expect(compose.services.postgresql.image).toMatch(/^postgres:/);
    expect(compose.services.temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(compose.services['temporal-ui'].image).toBe('temporalio/ui:2.42.1');
    expect(compose.services.worker.ports).toBeUndefined();
    expect(compose.services.worker.command).toEqual(['node', 'dist/src/cli/main.js', 'worker']);
    expect(compose.volumes).toHaveProperty('postgresql-data');
  });

  it('points the API and the workers at the same database and Temporal', () => {
    for (const name of ['api', 'worker']) {
      expect(compose.services[name].environment).toMatchObject({
        TEMPORAL_ADDRESS: 'temporal:7233',
        TEMPORAL_TASK_QUEUE: 'switchyard',
        DATABASE_URL: expect.stringContaining('@postgresql:5432/switchyard'),
        // One payload key ring for the API and every worker, or they cannot read each other's payloads.
        SWITCHYARD_PAYLOAD_KEYS: '${SWITCHYARD_PAYLOAD_KEYS:?set SWITCHYARD_PAYLOAD_KEYS}',
      });
    }
  });

  it('registers every search attribute the interpreter writes', () => {
    const command = compose.services['temporal-admin-tools'].command!.join(' ');
    for (const key of SWITCHYARD_SEARCH_ATTRIBUTES) expect(command).toContain(`--name ${key.name}`);
  });
});
