import { connect, createServer, type Server, type Socket } from 'node:net';
import { Connection } from '@temporalio/client';
import { SWITCHYARD_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { DevServerStartError, freePort, startDevServer } from './dev-server';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe(startDevServer.name, () => {
  it('starts a dev server with the search attributes registered, serves the UI, and stops it', async () => {
    const lines: string[] = [];
    const uiCodecEndpoint = 'http://localhost:3999/codec';
    const server = await startDevServer({ log: (line) => lines.push(line), uiCodecEndpoint });
    const port = Number(server.address.split(':')[1]);
    try {
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const connection = await Connection.connect({ address: server.address });
      try {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
        for (const key of SWITCHYARD_SEARCH_ATTRIBUTES) expect(Object.keys(customAttributes)).toContain(key.name);
      } finally {
        await connection.close();
      }
      expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ui = await fetch(server.uiUrl!);
      expect(ui.status).toBe(200);
      // The Web UI decodes payloads through the platform's codec endpoint.
      const settings = (await (await fetch(`${server.uiUrl}/api/v1/settings`)).json()) as {
        Codec?: { Endpoint?: string };
      };
      expect(settings.Codec?.Endpoint).toBe(uiCodecEndpoint);
      expect(lines.some((line) => line.includes('ready'))).toBe(true);
    } finally {
      await server.stop();
    }
    expect(await canConnect(port)).toBe(false);
    await server.stop();
  });

  it('starts headless on the ports it is given, with an extra namespace', async () => {
    const port = await freePort();
    const server = await startDevServer({ port, headless: true, namespace: 'switchyard-spec' });
    try {
      expect(server.address).toBe(`127.0.0.1:${port}`);
      expect(server.uiUrl).toBeUndefined();
      const connection = await Connection.connect({ address: server.address });
      try {
        const described = await connection.workflowService.describeNamespace({ namespace: 'switchyard-spec' });
        expect(described.namespaceInfo?.name).toBe('switchyard-spec');
      } finally {
        await connection.close();
      }
    } finally {
      await server.stop();
    }
  });

  it("fails with a clear error carrying the server's stderr when the port is taken", async () => {
    const sockets = new Set<Socket>();
    const blocker: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const started = startDevServer({ port, headless: true, readyTimeoutMs: 30_000 });
      await expect(started).rejects.toThrow(DevServerStartError);
      await expect(started).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port} did not start: the process exited`));
      await expect(started).rejects.toThrow(/temporal stderr/);
    } finally {
      for (const socket of sockets) socket.destroy();
      blocker.close();
    }
  });
});
