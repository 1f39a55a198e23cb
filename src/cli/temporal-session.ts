import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { dataDirFrom } from '../config/config';
import { ephemeralPayloadKeyring, loadPayloadKeys, type PayloadKeyring } from '../config/payload-keys';
import { type DevServer, startDevServer } from '../temporal/dev-server';
import { payloadDataConverter } from '../temporal/payload-codec';

/** What a command needs to talk to Temporal, wherever it runs. */
export interface TemporalSession {
  address: string;
  namespace: string;
  /** The dev server this session started (when TEMPORAL_ADDRESS is unset), stopped by `close`. */
  devServer?: DevServer;
  /** Encodes every payload (shared by the session's client and the workers it hosts). */
  dataConverter: DataConverter;
  client: Client;
  /** For workers. */
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** The default frontend address of a local Temporal (`temporal server start-dev`). */
export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';

/**
 * Connects to `TEMPORAL_ADDRESS` (namespace `TEMPORAL_NAMESPACE`, default `default`). When the
 * address is unset and `embedded` is allowed, starts a headless dev server and uses that instead;
 * otherwise falls back to {@link DEFAULT_TEMPORAL_ADDRESS}.
 */
export async function openTemporalSession(options: {
  env: NodeJS.ProcessEnv;
  embedded: boolean;
  log: (line: string) => void;
}): Promise<TemporalSession> {
  const { env, log } = options;
  const configured = env.TEMPORAL_ADDRESS?.trim();
  let devServer: DevServer | undefined;
  let address: string;
  let namespace = env.TEMPORAL_NAMESPACE?.trim() || 'default';
  if (configured) {
    address = configured;
  } else if (options.embedded) {
    log('TEMPORAL_ADDRESS is unset: starting an embedded Temporal dev server...');
    devServer = await startDevServer({ headless: true, log });
    address = devServer.address;
    namespace = devServer.namespace;
  } else {
    address = DEFAULT_TEMPORAL_ADDRESS;
  }

  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => {});
    closers.length = 0;
  };
  if (devServer) closers.push(() => devServer.stop());
  try {
    const dataConverter = payloadDataConverter(sessionPayloadKeys(env, devServer !== undefined, log));
    const connection = await Connection.connect({ address, connectTimeout: '10s' });
    closers.push(() => connection.close());
    const nativeConnection = await NativeConnection.connect({ address });
    closers.push(() => nativeConnection.close());
    const client = new Client({ connection, namespace, dataConverter });
    return { address, namespace, devServer, dataConverter, client, nativeConnection, close };
  } catch (err) {
    await close();
    const reason = err instanceof Error ? err.message : String(err);
    throw new TemporalUnavailableError(`Cannot reach Temporal at ${address}: ${reason}`);
  }
}

/**
 * The payload keys of a CLI session: SWITCHYARD_PAYLOAD_KEYS, else (on a server that outlives the
 * command) the platform's `<SWITCHYARD_DATA_DIR>/payload-keys` when it exists, else a key that
 * lives as long as the process: the embedded server's history goes away with it anyway.
 */
function sessionPayloadKeys(env: NodeJS.ProcessEnv, embedded: boolean, log: (line: string) => void): PayloadKeyring {
  if (embedded && !env.SWITCHYARD_PAYLOAD_KEYS?.trim()) return ephemeralPayloadKeyring();
  const keys = loadPayloadKeys(env, dataDirFrom(env), { create: false });
  if (keys) return keys;
  log('SWITCHYARD_PAYLOAD_KEYS is unset: payloads are encrypted with a key of this process only');
  return ephemeralPayloadKeyring();
}

/** Temporal could not be reached or started: the CLI exits with `EXIT.UNAVAILABLE`. */
export class TemporalUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalUnavailableError';
  }
}
