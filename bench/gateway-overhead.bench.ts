// Gateway overhead: the same trivial upstream hit directly, through nginx, and through the PHZZK
// gateway (public route, and JWT-verified route), in one run on this machine. Throughput at full
// load (autocannon, ratios) and added latency at half load (an open-loop paced load, p50/p99
// against the direct path at the same rate).
// bench-needs: redis nginx
import { join } from 'node:path';
import { freePort, repoRoot, startServiceProcess } from '@phzzk/testing';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { runChild } from './lib/child.ts';
import { startNginxProxy } from './lib/nginx.ts';
import type { PacedRun } from './lib/paced-load.ts';
import { startPacedLoadProcess } from './lib/paced-load-process.ts';
import { allowedCpus, pin, proxyPlacement } from './lib/cpu-affinity.ts';
import { childrenOf, cpuSeconds } from './lib/proc-stat.ts';
import { type Figure, round, writeResult } from './lib/results.ts';

const DURATION = Number(process.env.BENCH_DURATION_S ?? 5);

const CONNECTIONS = 32;

type Run = { rps: number; p50: number; p99: number; errors: number; non2xx: number };

async function load(url: string, headers: Record<string, string>): Promise<Run> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

const { publicKey, privateKey } = await generateKeyPair('RS256');
const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' }] });
const token = await new SignJWT({ sid: 'bench-session', roles: ['user'] })
  .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'at+jwt' })
  .setIssuer('phzzk-auth')
  .setAudience('phzzk')
  .setSubject('bench-user')
  .setIssuedAt()
  .setExpirationTime('1h')
  .sign(privateKey);

const upstream = await runChild(
  [join(import.meta.dirname, 'fixtures/trivial-upstream.ts')],
  { ...process.env, JWKS_JSON: jwks },
  /listening on (\d+)/,
);
const upstreamPort = Number(upstream.match[1]);
const nginx = await startNginxProxy(upstreamPort, await freePort());
const gateway = await startServiceProcess('gateway', {
  SERVER_PORT: '0',
  LOG_LEVEL: 'warn',
  DISCOVERY_MODE: 'static',
  DISCOVERY_STATIC_INSTANCES: `bench=http://127.0.0.1:${upstreamPort}`,
  GATEWAY_JWT_JWKS_URI: `http://127.0.0.1:${upstreamPort}/jwks.json`,
  GATEWAY_RATE_LIMIT_ENABLED: 'false',
  GATEWAY_ROUTES: JSON.stringify([
    { id: 'public', path: '/public/**', service: 'bench' },
    { id: 'private', path: '/private/**', service: 'bench', auth: 'required' },
  ]),
});
console.log(`repo ${repoRoot}; upstream :${upstreamPort}, nginx ${nginx.url}, gateway ${gateway.url}`);
const auth = { authorization: `Bearer ${token}` };
const loadGenerator = startPacedLoadProcess();

try {
  // Warm up every path (JIT, keep-alive pools, JWKS).
  for (const url of [
    `http://127.0.0.1:${upstreamPort}/`,
    `${nginx.url}/`,
    `${gateway.url}/public/x`,
    `${gateway.url}/private/x`,
  ]) {
    await autocannon({ url, connections: 8, duration: 2, headers: auth });
  }
  // Interleaved rounds, medians: the machine is shared, so drift hits every configuration alike.
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const samples: Record<'direct' | 'nginx' | 'gatewayPublic' | 'gatewayJwt', Run[]> = {
    direct: [],
    nginx: [],
    gatewayPublic: [],
    gatewayJwt: [],
  };
  for (let i = 0; i < rounds; i++) {
    samples.direct.push(await load(`http://127.0.0.1:${upstreamPort}/x`, {}));
    samples.nginx.push(await load(`${nginx.url}/x`, {}));
    samples.gatewayPublic.push(await load(`${gateway.url}/public/x`, {}));
    samples.gatewayJwt.push(await load(`${gateway.url}/private/x`, auth));
  }
  /** The middle round by one figure: the machine is shared, so single rounds drift. */
  const medianBy = <R extends Run | PacedRun>(runs: R[], key: 'rps' | 'p99'): R =>
    [...runs].sort((a, b) => a[key] - b[key])[Math.floor(runs.length / 2)]!;
  const median = (runs: Run[]) => medianBy(runs, 'rps');
  const full = {
    direct: median(samples.direct),
    nginx: median(samples.nginx),
    gatewayPublic: median(samples.gatewayPublic),
    gatewayJwt: median(samples.gatewayJwt),
  };
  // Half load is half of the gateway's own peak: the latency it adds while it is not saturated.
  // Direct, nginx and gateway take the same paced load, interleaved; the median round counts.
  const half = Math.round(full.gatewayJwt.rps / 2);
  // CPU each proxy spends per request at that rate (all its threads; nginx: its worker).
  const nginxWorker = childrenOf(nginx.pid, 'nginx')[0];
  const measuringCpu = async (pid: number | undefined, into: number[] | undefined, run: () => Promise<PacedRun>) => {
    const before = pid === undefined ? 0 : cpuSeconds(pid);
    const result = await run();
    if (pid !== undefined) into?.push(((cpuSeconds(pid) - before) / (result.rps * DURATION)) * 1e6);
    return result;
  };
  const at = (url: string, headers?: Record<string, string>) => {
    const { port, pathname } = new URL(url);
    return loadGenerator.run({
      port: Number(port),
      path: pathname,
      rate: half,
      durationS: DURATION,
      ...(headers ? { headers } : {}),
    });
  };
  type Path = 'direct' | 'nginx' | 'gatewayJwt';
  const byP99 = (runs: PacedRun[]) => medianBy(runs, 'p99');
  const pacedSeries = async (count: number, cpu?: Record<'nginx' | 'gatewayJwt', number[]>) => {
    const runs: Record<Path, PacedRun[]> = { direct: [], nginx: [], gatewayJwt: [] };
    for (let i = 0; i < count; i++) {
      runs.direct.push(await at(`http://127.0.0.1:${upstreamPort}/x`));
      runs.nginx.push(await measuringCpu(nginxWorker, cpu?.nginx, () => at(`${nginx.url}/x`)));
      runs.gatewayJwt.push(
        await measuringCpu(gateway.pid, cpu?.gatewayJwt, () => at(`${gateway.url}/private/x`, auth)),
      );
    }
    return {
      runs,
      median: { direct: byP99(runs.direct), nginx: byP99(runs.nginx), gatewayJwt: byP99(runs.gatewayJwt) },
    };
  };
  // The proxy under test on a CPU of its own, as a gateway is deployed; the load generator, the
  // upstream and this process on the other(s). Sharing two CPUs, the scheduler now and then puts
  // the busiest proxy behind the other processes for 100 ms and more (its run-queue wait and
  // involuntary switches rise, its CPU per request does not): the p99 of such a round measures
  // the placement, not the proxy. Then the same load with every process on every CPU, as a figure.
  const placement = proxyPlacement();
  const everyCpu = allowedCpus(); // read before this process is pinned too
  const loadSide = [process.pid, loadGenerator.pid, upstream.child.pid as number];
  const proxies = [gateway.pid, nginx.pid, ...(nginxWorker === undefined ? [] : [nginxWorker])];
  const cpuPerRequestUs: Record<'nginx' | 'gatewayJwt', number[]> = { nginx: [], gatewayJwt: [] };
  if (placement) {
    pin(loadSide, placement.rest);
    pin(proxies, placement.proxy);
  }
  const isolated = await pacedSeries(Number(process.env.BENCH_PACED_ROUNDS ?? 5), cpuPerRequestUs);
  if (placement) pin([...loadSide, ...proxies], everyCpu);
  const shared = placement ? await pacedSeries(rounds) : undefined;
  const atHalf = isolated.median;
  const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const cpuUs = { nginx: medianOf(cpuPerRequestUs.nginx), gatewayJwt: medianOf(cpuPerRequestUs.gatewayJwt) };
  console.log(
    JSON.stringify({ full, half, placement, isolated: isolated.runs, shared: shared?.runs, cpuPerRequestUs }, null, 1),
  );
  const where = placement ? 'proxy on a CPU of its own' : 'one CPU shared by all';
  const failures = [
    ...samples.gatewayPublic,
    ...samples.gatewayJwt,
    ...isolated.runs.gatewayJwt,
    ...(shared?.runs.gatewayJwt ?? []),
  ].reduce((n, r) => n + r.errors + r.non2xx, 0);
  if (failures > 0) throw new Error(`${failures} failed requests during the benchmark`);
  const figures: Figure[] = [
    { metric: 'direct upstream throughput', value: Math.round(full.direct.rps), unit: 'req/s' },
    { metric: 'nginx proxy throughput', value: Math.round(full.nginx.rps), unit: 'req/s' },
    { metric: 'gateway throughput, JWT verified', value: Math.round(full.gatewayJwt.rps), unit: 'req/s' },
    {
      metric: 'gateway/nginx throughput (JWT verified)',
      value: round(full.gatewayJwt.rps / full.nginx.rps),
      unit: 'x',
      reference: 'nginx',
      target: '>= 0.5',
    },
    {
      metric: 'gateway/nginx throughput (public route)',
      value: round(full.gatewayPublic.rps / full.nginx.rps),
      unit: 'x',
      reference: 'nginx',
    },
    {
      metric: 'gateway/direct throughput (JWT verified)',
      value: round(full.gatewayJwt.rps / full.direct.rps),
      unit: 'x',
      reference: 'direct upstream',
    },
    {
      metric: 'JWT cost: authenticated/public throughput',
      value: round(full.gatewayJwt.rps / full.gatewayPublic.rps),
      unit: 'x',
      reference: 'gateway public route',
      target: '>= 0.8',
    },
    {
      metric: `added p50 at half the gateway's peak (${half} req/s), gateway JWT, ${where}`,
      value: round(atHalf.gatewayJwt.p50 - atHalf.direct.p50),
      unit: 'ms',
      reference: 'direct upstream at the same rate',
    },
    {
      metric: `added p99 at half the gateway's peak (${half} req/s), gateway JWT, ${where}`,
      value: round(atHalf.gatewayJwt.p99 - atHalf.direct.p99),
      unit: 'ms',
      reference: 'direct upstream at the same rate',
      target: '< 2 ms',
    },
    {
      metric: `added p99 at the same rate, nginx, ${where}`,
      value: round(atHalf.nginx.p99 - atHalf.direct.p99),
      unit: 'ms',
      reference: 'direct upstream at the same rate',
    },
    ...(shared
      ? (['gatewayJwt', 'nginx'] as const).map((path) => ({
          metric: `added p99 at the same rate, ${path === 'gatewayJwt' ? 'gateway JWT' : 'nginx'}, all processes sharing all CPUs`,
          value: round(shared.median[path].p99 - shared.median.direct.p99),
          unit: 'ms',
          reference: 'direct upstream at the same rate, sharing too',
        }))
      : []),
    {
      metric: 'CPU per request at that rate, gateway JWT (all threads)',
      value: Math.round(cpuUs.gatewayJwt),
      unit: 'µs',
    },
    { metric: 'CPU per request at that rate, nginx worker', value: Math.round(cpuUs.nginx), unit: 'µs' },
    {
      metric: 'gateway/nginx CPU per request',
      value: round(cpuUs.gatewayJwt / cpuUs.nginx),
      unit: 'x',
      reference: 'nginx',
    },
    ...(['direct', 'nginx', 'gatewayJwt'] as const).map((path) => ({
      metric: `p99 at that rate, ${path === 'gatewayJwt' ? 'gateway JWT' : path}, ${where}`,
      value: round(atHalf[path].p99),
      unit: 'ms',
    })),
  ];
  writeResult(
    'gateway-overhead',
    figures,
    `throughput: autocannon, ${CONNECTIONS} connections, ${DURATION} s per run, medians of ${rounds} interleaved rounds, every process on every CPU; latency: open-loop paced load (latency from each request's due time) from a process of its own, garbage-collected before each run, 64 connections, ${DURATION} s per run, median-p99 round of ${isolated.runs.direct.length}, ${placement ? `proxy under test pinned to CPU ${placement.proxy.join(',')} and load generator, upstream and benchmark to CPU ${placement.rest.join(',')}; then ${rounds} rounds with every process on every CPU` : 'one CPU shared by all'}; gateway one process, nginx one worker, access logs off, rate limiting off`,
  );
} finally {
  await loadGenerator.stop();
  await gateway.stop();
  await nginx.stop();
  await upstream.stop();
}
