/**
 * The client address for throttling. The gateway appends the peer address as the LAST
 * x-forwarded-for entry; everything before it is client-supplied and ignored. Without the header
 * (a direct call) the socket address is used. IPv6 clients are grouped by /64, since one
 * subscriber usually holds a whole /64.
 */
export function clientIp(forwardedFor: string | string[] | undefined, socketAddress: string | undefined): string {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const last = header
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .at(-1);
  return normalizeIp(last ?? socketAddress ?? 'unknown');
}

function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
