// Identity benchmark: JWT verify cost by algorithm (why access tokens are RS256), and login and
// refresh latency against in-process user and auth services on the real PostgreSQL and Redis,
// with the production argon2id parameters. Bounded in count and time; loopback only.
//   node bench/identity.bench.ts   (writes $BENCH_RESULTS_DIR/identity.json)
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { startIdentity } from '../services/auth/test/support.ts';
import { type Figure, round, writeResult } from './lib/results.ts';

const figures: Figure[] = [];
/** The sample at the p-th percentile, as this benchmark has always read it (p99 of 100: the largest). */
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function verifyCost(): Promise<void> {
  const rounds = 3000;
  const results: Record<string, number> = {};
  for (const alg of ['RS256', 'ES256', 'EdDSA']) {
    const { publicKey, privateKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
    const token = await new SignJWT({ sid: 's', roles: ['user'] })
      .setProtectedHeader({ alg, kid: 'k', typ: 'at+jwt' })
      .setIssuer('phzzk-auth')
      .setAudience('phzzk')
      .setSubject('u')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    const options = { issuer: 'phzzk-auth', audience: 'phzzk' };
    for (let i = 0; i < 300; i++) await jwtVerify(token, publicKey, options);
    const started = performance.now();
    for (let i = 0; i < rounds; i++) await jwtVerify(token, publicKey, options);
    results[alg] = ((performance.now() - started) * 1000) / rounds;
    figures.push({ metric: `jwt verify ${alg} (jose)`, value: round(results[alg]!, 1), unit: 'µs/token' });
  }
  figures.push({
    metric: 'jwt verify EdDSA / RS256',
    value: round(results.EdDSA! / results.RS256!),
    unit: 'x',
    reference: 'RS256 chosen for access tokens',
  });
  figures.push({ metric: 'jwt verify ES256 / RS256', value: round(results.ES256! / results.RS256!), unit: 'x' });
}

/**
 * Runs `run` `warmUp` times, then up to `count` times in sequence (within 30 s), and records its
 * p50 and p99 in ms as `<name> p50 (<what>)` (from `<n> sequential <runs>`) and `<name> p99`.
 */
async function latency(
  name: string,
  what: string,
  run: () => Promise<void>,
  options: { warmUp: number; count: number; runs: string; digits: number; target: string },
) {
  const { warmUp, count, runs, digits, target } = options;
  for (let i = 0; i < warmUp; i++) await run();
  const samples: number[] = [];
  const deadline = Date.now() + 30_000;
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  figures.push({
    metric: `${name} p50 (${what})`,
    value: round(percentile(samples, 50), digits),
    unit: 'ms',
    reference: `${samples.length} sequential ${runs}`,
  });
  figures.push({ metric: `${name} p99`, value: round(percentile(samples, 99), digits), unit: 'ms', target });
}

async function latencies(): Promise<void> {
  // Production parameters (the service defaults): argon2id m=19456 KiB, t=2, p=1.
  const { api, stop } = await startIdentity({}, { productionArgon2: true });
  try {
    const account = {
      email: `bench.${Date.now()}@example.com`,
      nickname: `bench${Date.now().toString(36)}`.slice(0, 20),
      password: 'slow hashing is the point 7',
    };
    const signup = await api.post<{ refreshToken: string }>('/api/auth/signup', account);
    if (signup.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(signup.body)}`);
    const login = async () => {
      const res = await api.post('/api/auth/login', { email: account.email, password: account.password });
      if (res.status !== 200) throw new Error(`login answered ${res.status}`);
    };
    await latency('login', 'argon2id m=19456 KiB, t=2, p=1', login, {
      warmUp: 5,
      count: 100,
      runs: 'logins',
      digits: 1,
      target: '< 250 ms',
    });

    let token = signup.body.refreshToken;
    const refresh = async () => {
      const res = await api.post<{ refreshToken: string }>('/api/auth/refresh', { refreshToken: token });
      if (res.status !== 200) throw new Error(`refresh answered ${res.status}`);
      token = res.body.refreshToken;
    };
    await latency('refresh', 'rotation in Redis + account check + RS256 sign', refresh, {
      warmUp: 20,
      count: 1000,
      runs: 'refreshes',
      digits: 2,
      target: '< 20 ms',
    });
  } finally {
    await stop();
  }
}

await verifyCost();
await latencies();
writeResult('identity', figures);
process.exit(0);
