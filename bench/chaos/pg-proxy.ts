/**
 * A TCP proxy in front of PostgreSQL for the chaos harness: the platform reaches the database
 * through it, so an outage is `outage(ms)`: every open connection is dropped and new ones are
 * closed at once until the time is up, while the real server stays up for the harness's checks.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface PgProxy {
  port: number;
  /** Drops every connection and refuses new ones for `ms`; resolves when the outage ends. */
  outage(ms: number): Promise<void>;
  /** Connections refused during outages. */
  refused(): number;
  close(): Promise<void>;
}

export async function startPgProxy(target: { host: string; port: number }): Promise<PgProxy> {
  const open = new Set<Socket>();
  let down = false;
  let refused = 0;
  const server: Server = createServer((client) => {
    if (down) {
      refused += 1;
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    async outage(ms) {
      down = true;
      for (const socket of open) socket.destroy();
      open.clear();
      await new Promise((resolve) => setTimeout(resolve, ms));
      down = false;
    },
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
