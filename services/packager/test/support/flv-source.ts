import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';

/**
 * Stands in for the ingest node's HTTP-FLV endpoint (what the transcoder pulls): every GET
 * /live/<name>.flv streams a real-time ffmpeg test pattern, 640x360 30 fps H.264 + AAC.
 */
export class FlvSource {
  readonly url: string;
  private readonly server: Server;
  private readonly children = new Set<ChildProcess>();

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
  }

  static async start(): Promise<FlvSource> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const source = new FlvSource(server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => {
      if (!/^\/live\/[\w-]+\.flv$/.test(req.url ?? '')) {
        res.writeHead(404).end();
        return;
      }
      const child = spawn(
        'ffmpeg',
        [
          ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re'],
          ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30'],
          ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
          ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-pix_fmt', 'yuv420p'],
          ...['-c:a', 'aac', '-b:a', '64k', '-f', 'flv', 'pipe:1'],
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      source.children.add(child);
      child.once('exit', () => {
        source.children.delete(child);
        res.end();
      });
      res.writeHead(200, { 'content-type': 'video/x-flv' });
      child.stdout!.pipe(res);
      res.once('close', () => child.kill('SIGKILL'));
    });
    return source;
  }

  async stop(): Promise<void> {
    for (const child of this.children) child.kill('SIGKILL');
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
