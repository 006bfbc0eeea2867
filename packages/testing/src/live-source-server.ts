import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * Stands in for the ingest node's HTTP-FLV endpoint (what the transcoder pulls): every GET
 * /live/<name>.flv starts a real-time ffmpeg test pattern (a fresh FLV that begins with a key frame,
 * like the late-joiner stream) and pipes it into the response until the client goes away.
 * `?size=WxH&audio=0&video=0` vary it (default 640x360 30 fps H.264 + AAC).
 */
export class LiveSourceServer {
  readonly url: string;
  private readonly server: Server;
  private readonly children = new Set<ChildProcess>();
  /** Paths that answer 404 (the ingest node no longer has the session). */
  readonly gone = new Set<string>();
  connections = 0;

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
  }

  static async start(): Promise<LiveSourceServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const source = new LiveSourceServer(server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => source.handle(req, res));
    return source;
  }

  sourceUrl(name: string, options: { size?: string; audio?: boolean; video?: boolean } = {}): string {
    const q = new URLSearchParams({ size: options.size ?? '640x360' });
    if (options.audio === false) q.set('audio', '0');
    if (options.video === false) q.set('video', '0');
    return `${this.url}/live/${name}.flv?${q}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const match = /^\/live\/([\w-]+)\.flv$/.exec(url.pathname);
    if (!match || this.gone.has(match[1]!)) {
      res.writeHead(404).end();
      return;
    }
    this.connections++;
    const size = url.searchParams.get('size') ?? '640x360';
    const video = url.searchParams.get('video') !== '0';
    const audio = url.searchParams.get('audio') !== '0';
    const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re'];
    if (video) args.push('-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`);
    if (audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
    if (video)
      args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-pix_fmt', 'yuv420p');
    if (audio) args.push('-c:a', 'aac', '-b:a', '64k');
    args.push('-f', 'flv', 'pipe:1');
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    this.children.add(child);
    child.once('exit', () => {
      this.children.delete(child);
      res.end();
    });
    res.writeHead(200, { 'content-type': 'video/x-flv' });
    child.stdout!.pipe(res);
    res.once('close', () => child.kill('SIGKILL'));
  }

  /** Ends every live source now (the ingest node dropped the streams). */
  dropAll(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    this.dropAll();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
