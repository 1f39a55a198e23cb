import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { type DevServer, startDevServer } from '../temporal/dev-server';

/** What a command needs to talk to Temporal, wherever it runs. */
export interface TemporalSession {
  address: string;
  namespace: string;
  /** The dev server this session started (when TEMPORAL_ADDRESS is unset), stopped by `close`. */
  devServer?: DevServer;
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
    const connection = await Connection.connect({ address, connectTimeout: '10s' });
    closers.push(() => connection.close());
    const nativeConnection = await NativeConnection.connect({ address });
    closers.push(() => nativeConnection.close());
    return { address, namespace, devServer, client: new Client({ connection, namespace }), nativeConnection, close };
  } catch (err) {
    await close();
    const reason = err instanceof Error ? err.message : String(err);
    throw new TemporalUnavailableError(`Cannot reach Temporal at ${address}: ${reason}`);
  }
}

/** Temporal could not be reached or started: the CLI exits with `EXIT.UNAVAILABLE`. */
export class TemporalUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemporalUnavailableError';
  }
}
