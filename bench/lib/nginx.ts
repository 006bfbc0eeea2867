import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { waitFor } from '@phzzk/testing';

/** nginx as a plain reverse proxy to one upstream: one worker, keep-alive upstream, no access log. */
export async function startNginxProxy(upstreamPort: number, listenPort: number) {
  const prefix = mkdtempSync(join(tmpdir(), 'phzzk-bench-nginx-'));
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  # No reconnect every 1000 requests (the default): the gateway does not impose one either.
  keepalive_requests 1000000;
  upstream backend { server 127.0.0.1:${upstreamPort}; keepalive 128; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  const child = spawn('nginx', ['-p', prefix, '-c', conf], { stdio: 'ignore' });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${listenPort}/`)).ok, { what: 'nginx', timeoutMs: 10_000 });
  return {
    url: `http://127.0.0.1:${listenPort}`,
    /** The master's pid (its one worker is its child). */
    pid: child.pid as number,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
      }),
  };
}
