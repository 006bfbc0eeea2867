import { createServer, type Server, type Socket } from 'node:net';

/** A loopback TCP server for probe tests; `onData` answers (or not) whatever a probe sends. */
export async function fakeServer(
  onData: (data: Buffer, socket: Socket) => void,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (d) => onData(d, socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on right now (bound, then released). */
export async function freePort(): Promise<number> {
  const s = await fakeServer(() => {});
  await s.close();
  return s.port;
}

/** Two consecutive free ports (Kafka's broker port and, next to it, its controller port). */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort();
    if (port >= 65535) continue;
    if (await isFree(port + 1)) return port;
  }
  throw new Error('no two consecutive free ports found');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePromise(true)));
  });
}
