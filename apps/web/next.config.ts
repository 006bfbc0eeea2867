import type { NextConfig } from 'next';

// Built once by `npm start` (src/main.ts) and served behind the gateway at `/`. No network at
// build time: system fonts only, no telemetry (NEXT_TELEMETRY_DISABLED=1 in the environment too).
const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  // The gateway compresses nothing; the Next server does, for HTML and its own assets.
  compress: true,
  turbopack: { root: new URL('../..', import.meta.url).pathname },
  // `npm run dev:web` serves the pages itself (port 3000): the API, media and chat WebSocket go
  // on to the running platform's gateway. Under `npm start` the gateway routes them and these
  // rewrites are off.
  async rewrites() {
    if (process.env.NODE_ENV !== 'development') return [];
    const gateway = (process.env.WEB_GATEWAY_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
    return ['api', 'hls', 'vod', 'ws'].map((prefix) => ({
      source: `/${prefix}/:path*`,
      destination: `${gateway}/${prefix}/:path*`,
    }));
  },
};

export default config;
