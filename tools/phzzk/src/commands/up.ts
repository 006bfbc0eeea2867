import { platformDown, platformUp, readRunRecords, runDirOf } from '../orchestrator/index.ts';
import { log } from './output.ts';
import { printStatus } from './status.ts';

/** A signal this soon after the first is the same Ctrl-C delivered twice (terminal and npm). */
const DUPLICATE_SIGNAL_MS = 1500;

/**
 * `npm start`: everything up and healthy, then a status table. In the foreground (default) it
 * stays attached: Ctrl-C stops what it started in order; a second Ctrl-C forces (SIGKILL).
 * `--detach` leaves the platform running.
 */
export async function runUp(root: string, args: string[]): Promise<number> {
  const detached = args.includes('--detach') || args.includes('-d');
  const began = Date.now();
  const result = await platformUp({ root, env: process.env, log, detached });
  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  await printStatus(root);
  const gateway = result.instances.find((r) => r.service === 'gateway');
  log(`all healthy in ${seconds} s`);
  if (gateway) {
    log(
      `API and media at ${gateway.url.replace('127.0.0.1', 'localhost')} (the gateway: /api, /hls, /ws); RTMP ingest at rtmp://localhost:1935/live/<stream key>`,
    );
  }
  if (detached) {
    log('running in the background; `npm run down` stops it, `npm run status` shows it');
    return 0;
  }
  log('press Ctrl-C to stop');
  let firstSignalAt = 0;
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      const now = Date.now();
      if (firstSignalAt === 0) {
        firstSignalAt = now;
        resolve();
        return;
      }
      if (now - firstSignalAt < DUPLICATE_SIGNAL_MS) return;
      log('second Ctrl-C: killing every PHZZK service process now');
      for (const r of readRunRecords(runDirOf(root))) {
        try {
          process.kill(r.pid, 'SIGKILL');
        } catch {}
      }
      process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  log('stopping ... (Ctrl-C again to force)');
  await platformDown({ root, log });
  return 0;
}
