import { infraStatus } from '../infra/index.ts';
import { readRunRecords, runDirOf } from '../orchestrator/index.ts';
import { table } from './output.ts';

async function healthOf(url: string): Promise<string> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200 ? 'healthy' : `unhealthy (${response.status})`;
  } catch {
    return 'not answering';
  }
}

export async function printStatus(root: string): Promise<void> {
  const components = await infraStatus({ root, env: process.env });
  console.log(
    `\n${table(
      ['infrastructure', 'endpoint', 'state', 'pid'],
      components.map((c) => [c.name, c.endpoint, c.state, c.pid ? String(c.pid) : '']),
    )}`,
  );
  const records = readRunRecords(runDirOf(root));
  const health = await Promise.all(records.map((r) => healthOf(r.url)));
  console.log(
    `\n${table(
      ['service', 'instance', 'url', 'pid', 'health'],
      records.map((r, i) => [r.service, r.instanceId, r.url, String(r.pid), health[i] ?? '']),
    )}\n`,
  );
}

export async function runStatus(root: string): Promise<number> {
  await printStatus(root);
  return 0;
}
