import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A test's own HTTP server (a stand-in for a peer service) on a free port of 127.0.0.1. */
export interface LocalServer {
  readonly port: number;
  readonly url: string;
  /** Closes the server and the connections still open on it. */
  stop(): Promise<void>;
}

export async function listenLocally(server: Server): Promise<LocalServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
