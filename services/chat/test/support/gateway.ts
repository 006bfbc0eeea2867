import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServiceProcess, startServiceProcess } from '@phzzk/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/**
 * The real gateway in front of chat instances, verifying RS256 access tokens against a JWKS this
 * helper serves (as the auth service would): tokens for any user id. `instances` gateway
 * processes (default 1) share that JWKS, so a token works at every one of them.
 */
export async function startGatewayFor(
  chatUrls: string[],
  redisUrl: string,
  env: Record<string, string> = {},
  options: { instances?: number } = {},
) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'chat-test', alg: 'RS256', use: 'sig' }] };
  const jwksServer: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  const jwksPort = (jwksServer.address() as AddressInfo).port;
  const gateways: ServiceProcess[] = [];
  try {
    for (let i = 0; i < (options.instances ?? 1); i++) {
      gateways.push(
        await startServiceProcess(
          'gateway',
          {
            SERVER_PORT: '0',
            LOG_LEVEL: 'warn',
            REDIS_URL: redisUrl,
            DISCOVERY_MODE: 'static',
            DISCOVERY_STATIC_INSTANCES: `chat=${chatUrls.join(',')}`,
            GATEWAY_JWT_JWKS_URI: `http://127.0.0.1:${jwksPort}/jwks.json`,
            GATEWAY_RATE_LIMIT_ENABLED: 'false',
            ...env,
          },
          { timeoutMs: 120_000 },
        ),
      );
    }
  } catch (error) {
    await Promise.all(gateways.map((g) => g.stop().catch(() => null)));
    jwksServer.close();
    throw error;
  }
  const gateway = gateways[0]!;
  return {
    url: gateway.url,
    process: gateway,
    urls: gateways.map((g) => g.url),
    processes: gateways,
    token: (userId: string) =>
      new SignJWT({ sid: `s-${userId.slice(-8)}`, roles: ['user'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'chat-test', typ: 'at+jwt' })
        .setIssuer('phzzk-auth')
        .setAudience('phzzk')
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    async stop() {
      await Promise.all(gateways.map((g) => g.stop().catch(() => null)));
      jwksServer.closeAllConnections();
      await new Promise((r) => jwksServer.close(r));
    },
  };
}
