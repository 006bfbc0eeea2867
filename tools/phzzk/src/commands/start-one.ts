import { startOneMore } from '../orchestrator/index.ts';
import { log } from './output.ts';

export async function runStartOne(root: string, args: string[]): Promise<number> {
  const service = args[0];
  if (!service) {
    console.error('usage: phzzk start <service>');
    return 2;
  }
  const record = await startOneMore({ root, env: process.env, log, detached: true }, service);
  log(`${service} instance ${record.instanceId} healthy at ${record.url} (pid ${record.pid})`);
  return 0;
}
