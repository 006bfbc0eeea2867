// Violations of the layout rules that exist on main and are being removed by work in flight
// (issue 12). They are tolerated by name, one line each, so that any NEW violation fails `npm test`;
// delete a line when its fix lands (a line that no longer matches is reported as stale).

export interface KnownViolation {
  rule: string;
  from: string;
  to: string;
  /** Who removes it. */
  why: string;
}

const gatewayRouting = 'gateway request handling (sec-edge): the proxy route reaches adapters directly';

const proxy = 'services/gateway/src/routes/proxy-handler.ts';
const gate = 'services/gateway/src/routes/request-gate.ts';
const gatewayAdapters = 'services/gateway/src/adapters';
const rule = 'routes-and-workers-use-ports';

export const knownViolations: KnownViolation[] = [
  ...['fast-lane', 'fast-response', 'holder-resolver', 'rate-limiter', 'relay', 'route-metrics'].map((a) => ({
    rule,
    from: proxy,
    to: `${gatewayAdapters}/${a}.ts`,
    why: gatewayRouting,
  })),
  ...['jwt-verifier', 'revoked-sessions'].map((a) => ({
    rule,
    from: gate,
    to: `${gatewayAdapters}/${a}.ts`,
    why: gatewayRouting,
  })),
];
