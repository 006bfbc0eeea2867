// Failover: two instances behind the gateway under 100+ GET/s, then `kill -9` of one. Measures
// failed client requests, how long after the kill the gateway still tried the dead instance,
// and when discovery evicted it; then a graceful stop under the same load.
// bench-needs: redis
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, startServiceProcess, waitFor, type ServiceProcess } from '@phzzk/testing';
import { type Figure, round, writeResult } from './lib/results.ts';

const RATE = Number(process.env.BENCH_FAILOVER_RPS ?? 200);
const echoMain = join(import.meta.dirname, 'fixtures/echo-service.ts');

const discoveryPort = await freePort();
// Discovery writes need credentials: a throwaway platform credential for this run.
const discoveryPassword = randomBytes(18).toString('base64url');
const eurekaUrl = `http://phzzk:${discoveryPassword}@127.0.0.1:${discoveryPort}/eureka`;
const common = { LOG_LEVEL: 'warn', DISCOVERY_MODE: 'eureka', DISCOVERY_EUREKA_URL: eurekaUrl, SERVER_PORT: '0' };
const discovery = await startServiceProcess('discovery', {
  SERVER_PORT: String(discoveryPort),
  DISCOVERY_SECURITY_PASSWORD: discoveryPassword,
  LOG_LEVEL: 'warn',
  DISCOVERY_MODE: 'static',
});
const echoes: ServiceProcess[] = [];
const startEcho = async () => {
  const p = await startServiceProcess('echo', common, { main: echoMain });
  echoes.push(p);
  return p;
};
await startEcho();
await startEcho();
const gateway = await startServiceProcess('gateway', {
  ...common,
  LOG_LEVEL: 'info',
  GATEWAY_RATE_LIMIT_ENABLED: 'false',
  GATEWAY_ROUTES: JSON.stringify([{ id: 'echo', path: '/echo/**', service: 'echo' }]),
});

type Outcome = { at: number; status: number; instanceId?: string; error?: string };

/** Sends RATE requests per second (open loop) until stopped, recording every outcome. */
function loadLoop() {
  const outcomes: Outcome[] = [];
  let stop = false;
  const inflight = new Set<Promise<void>>();
  const run = (async () => {
    const started = performance.now();
    let sent = 0;
    while (!stop) {
      const due = started + (sent * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sent++;
      const at = Date.now();
      const p = fetch(`${gateway.url}/echo/x`, { signal: AbortSignal.timeout(5000) })
        .then(async (res) => {
          const body = (await res.json()) as { instanceId?: string };
          outcomes.push({ at, status: res.status, ...(body.instanceId ? { instanceId: body.instanceId } : {}) });
        })
        .catch((e: Error) => {
          outcomes.push({ at, status: 0, error: e.message });
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
  })();
  return {
    outcomes,
    stop: async () => {
      stop = true;
      await run;
    },
  };
}

async function registered(instanceId: string): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${discoveryPort}/eureka/apps/ECHO`, {
    headers: { accept: 'application/json' },
  });
  if (res.status === 404) return false;
  const body = (await res.json()) as { application: { instance: { instanceId: string }[] } };
  return body.application.instance.some((i) => i.instanceId === instanceId);
}

/** Waits until requests through the gateway reach two different instances. */
function twoInRotation(what: string) {
  return waitFor(
    async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 6; i++)
        ids.add(((await (await fetch(`${gateway.url}/echo/x`)).json()) as { instanceId: string }).instanceId);
      return ids.size === 2;
    },
    { what, timeoutMs: 20_000 },
  );
}

async function instanceIdOf(p: ServiceProcess): Promise<string> {
  return ((await (await fetch(`${p.url}/info`)).json()) as { instanceId: string }).instanceId;
}

try {
  await twoInRotation('both instances in rotation');

  // 1. kill -9 under load.
  const victim = echoes[0]!;
  const victimId = await instanceIdOf(victim);
  const load = loadLoop();
  await new Promise((r) => setTimeout(r, 2000));
  const killedAt = Date.now();
  victim.child.kill('SIGKILL');
  await waitFor(async () => !(await registered(victimId)), {
    what: 'eviction',
    timeoutMs: 15_000,
    intervalMs: 20,
  });
  const evictedAt = Date.now();
  await new Promise((r) => setTimeout(r, 5000));
  await load.stop();
  const after = load.outcomes.filter((o) => o.at >= killedAt);
  const failed = load.outcomes.filter((o) => o.status !== 200);
  // The gateway logs every attempt that failed against an instance: the last one for the victim.
  const attempts = gateway
    .output()
    .split('\n')
    .filter((l) => l.includes('upstream failed') && l.includes(victimId))
    .map((l) => Date.parse((JSON.parse(l) as { time: string }).time));
  const lastAttemptMs = attempts.length > 0 ? Math.max(...attempts) - killedAt : 0;
  const achievedRps =
    load.outcomes.length /
    ((Math.max(...load.outcomes.map((o) => o.at)) - Math.min(...load.outcomes.map((o) => o.at))) / 1000);

  // 2. Graceful stop under load (SIGTERM: deregister first, drain, exit).
  await startEcho();
  const leaving = echoes[1]!;
  await twoInRotation('the new instance in rotation');
  const graceful = loadLoop();
  await new Promise((r) => setTimeout(r, 2000));
  await leaving.stop('SIGTERM');
  await new Promise((r) => setTimeout(r, 3000));
  await graceful.stop();
  const gracefulFailed = graceful.outcomes.filter((o) => o.status !== 200);

  const figures: Figure[] = [
    { metric: 'offered load', value: Math.round(achievedRps), unit: 'req/s', target: '>= 100' },
    {
      metric: 'failed client requests, kill -9 of one of two instances',
      value: failed.length,
      unit: `of ${load.outcomes.length}`,
      target: '0',
    },
    {
      metric: 'last gateway attempt on the killed instance after the kill',
      value: lastAttemptMs,
      unit: 'ms',
      target: '< 1000 ms',
    },
    {
      metric: 'gateway attempts on the killed instance (each retried elsewhere)',
      value: attempts.length,
      unit: 'attempts',
    },
    {
      metric: 'discovery eviction after kill -9',
      value: round((evictedAt - killedAt) / 1000),
      unit: 's',
      reference: 'Eureka defaults: 90 s lease + caches, minutes',
      target: '< 5 s',
    },
    {
      metric: 'failed client requests, graceful stop (SIGTERM)',
      value: gracefulFailed.length,
      unit: `of ${graceful.outcomes.length}`,
      target: '0',
    },
  ];
  writeResult(
    'failover',
    figures,
    `open-loop load of ${RATE} GET/s through the gateway; ${after.length} requests after the kill`,
  );
  if (failed.length > 0 || gracefulFailed.length > 0)
    console.log('failures:', [...failed, ...gracefulFailed].slice(0, 10));
} finally {
  for (const p of echoes) await p.stop('SIGTERM').catch(() => {});
  await gateway.stop();
  await discovery.stop();
}
