// Where the Next server reaches the platform's API: the gateway, and only the gateway.
// `npm start` passes WEB_GATEWAY_URL; `npm run dev:web` defaults to the local platform.
export function gatewayUrl(): string {
  return (process.env.WEB_GATEWAY_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
}
