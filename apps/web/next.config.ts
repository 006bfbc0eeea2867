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
};

export default config;
