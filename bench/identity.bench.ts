// Identity benchmark: JWT verify cost by algorithm (why access tokens are RS256), and login and
// refresh latency against in-process user and auth services on the real PostgreSQL and Redis,
// with the production argon2id parameters. Bounded in count and time; loopback only.
//   node bench/identity.bench.ts   (writes $BENCH_RESULTS_DIR/identity.json)
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Topics } from '@phzzk/contracts';
import { ensureTopics, StaticDiscovery, startService } from '@phzzk/kit';
import { ApiClient, freshSchema, testInfra, uniqueName } from '@phzzk/testing';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { authService } from '../services/auth/src/service.ts';
import { userService } from '../services/user/src/service.ts';

type Figure = { metric: string; value: number; unit: string; reference?: string; target?: string };
const figures: Figure[] = [];
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
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

async function timed(label: string, count: number, budgetMs: number, run: () => Promise<void>) {
  const samples: number[] = [];
  const deadline = Date.now() + budgetMs;
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { label, n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function latencies(): Promise<void> {
  const infra = await testInfra();
  await ensureTopics(infra.kafkaBrokers, [{ name: Topics.userEvents.name, partitions: Topics.userEvents.partitions }]);
  const schema = freshSchema(infra.databaseUrl, 'bench_user');
  // Production parameters (the service defaults): argon2id m=19456 KiB, t=2, p=1.
  const user = await startService(userService, {
    env: {
      DATABASE_URL: infra.databaseUrl,
      DATABASE_SCHEMA: schema.name,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      LOG_LEVEL: 'silent',
    },
    discovery: new StaticDiscovery([]),
  });
  const discovery = new StaticDiscovery([]);
  discovery.set('user', [user.instance]);
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const auth = await startService(authService, {
    env: {
      REDIS_URL: infra.redisUrl,
      AUTH_REDIS_PREFIX: `${uniqueName('bench')}:auth:`,
      AUTH_SIGNING_KEYS: JSON.stringify([{ kid: 'bench', privateKeyPem: pem }]),
      LOG_LEVEL: 'silent',
    },
    discovery,
  });
  try {
    const api = new ApiClient(auth.url);
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
    for (let i = 0; i < 5; i++) await login();
    const logins = await timed('login', 100, 30_000, login);
    figures.push({
      metric: 'login p50 (argon2id m=19456 KiB, t=2, p=1)',
      value: round(logins.p50, 1),
      unit: 'ms',
      reference: `${logins.n} sequential logins`,
    });
    figures.push({ metric: 'login p99', value: round(logins.p99, 1), unit: 'ms', target: '< 250 ms' });

    let token = signup.body.refreshToken;
    const refresh = async () => {
      const res = await api.post<{ refreshToken: string }>('/api/auth/refresh', { refreshToken: token });
      if (res.status !== 200) throw new Error(`refresh answered ${res.status}`);
      token = res.body.refreshToken;
    };
    for (let i = 0; i < 20; i++) await refresh();
    const refreshes = await timed('refresh', 1000, 30_000, refresh);
    figures.push({
      metric: 'refresh p50 (rotation in Redis + account check + RS256 sign)',
      value: round(refreshes.p50, 2),
      unit: 'ms',
      reference: `${refreshes.n} sequential refreshes`,
    });
    figures.push({ metric: 'refresh p99', value: round(refreshes.p99, 2), unit: 'ms', target: '< 20 ms' });
  } finally {
    await auth.stop();
    await user.stop();
    await schema.drop();
  }
}

await verifyCost();
await latencies();
const result = { name: 'identity', measuredAt: new Date().toISOString(), figures };
const dir = process.env.BENCH_RESULTS_DIR ?? join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'identity.json'), `${JSON.stringify(result, null, 2)}\n`);
for (const f of figures) console.log(`${f.metric}: ${f.value} ${f.unit}${f.reference ? ` (${f.reference})` : ''}`);
process.exit(0);
