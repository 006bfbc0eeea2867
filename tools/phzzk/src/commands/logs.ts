import { createReadStream, existsSync, readdirSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { logDirOf } from '../orchestrator/index.ts';

/** Prints the last lines of each log of a service (all its instances) and follows them with -f. */
export async function runLogs(root: string, args: string[]): Promise<number> {
  const service = args.find((a) => !a.startsWith('-'));
  const follow = args.includes('-f') || args.includes('--follow');
  const dir = logDirOf(root);
  const files = existsSync(dir)
    ? readdirSync(dir).filter((f) => service && (f === `${service}.log` || f.startsWith(`${service}-`)))
    : [];
  if (!service || files.length === 0) {
    const available = existsSync(dir) ? readdirSync(dir).join(', ') : 'none yet';
    console.error(`usage: phzzk logs <service> [-f]   (logs: ${available})`);
    return 2;
  }
  const offsets = new Map<string, number>();
  for (const file of files) {
    const path = join(dir, file);
    const size = statSync(path).size;
    const start = Math.max(0, size - 16 * 1024);
    await new Promise<void>((resolve) =>
      createReadStream(path, { start }).on('end', resolve).pipe(process.stdout, { end: false }),
    );
    offsets.set(path, size);
  }
  if (!follow) return 0;
  for (const file of files) {
    const path = join(dir, file);
    watch(path, () => {
      const size = statSync(path).size;
      const from = offsets.get(path) ?? 0;
      if (size > from) createReadStream(path, { start: from, end: size - 1 }).pipe(process.stdout, { end: false });
      offsets.set(path, size);
    });
  }
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  return 0;
}
