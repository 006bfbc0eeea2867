import { platformDown } from '../orchestrator/index.ts';
import { log } from './output.ts';

export async function runDown(root: string, args: string[]): Promise<number> {
  await platformDown({ root, log, keepInfra: args.includes('--keep-infra') });
  log('down');
  return 0;
}
