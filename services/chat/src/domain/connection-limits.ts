// How many connections one IP address and one user may hold on a node. A refused connection gets
// 429 before the upgrade; the counts follow opens and closes exactly.

export interface ConnectionLimitValues {
  perIp: number;
  perUser: number;
}

export type Admission = { ok: true } | { ok: false; detail: string };

/** Where connections are counted: on this node only, or across nodes. */
export interface ConnectionAdmission {
  admit(ip: string, userId: string | undefined): Promise<Admission>;
  release(ip: string, userId: string | undefined): void;
}

export class ConnectionLimits {
  private readonly byIp = new Map<string, number>();
  private readonly byUser = new Map<string, number>();
  private readonly limits: () => ConnectionLimitValues;

  constructor(limits: () => ConnectionLimitValues) {
    this.limits = limits;
  }

  limitValues(): ConnectionLimitValues {
    return this.limits();
  }

  /** Counts the connection in when both limits allow it. */
  admit(ip: string, userId: string | undefined): Admission {
    const { perIp, perUser } = this.limits();
    if ((this.byIp.get(ip) ?? 0) >= perIp) return { ok: false, detail: `at most ${perIp} connections per address` };
    if (userId !== undefined && (this.byUser.get(userId) ?? 0) >= perUser) {
      return { ok: false, detail: `at most ${perUser} connections per user` };
    }
    this.byIp.set(ip, (this.byIp.get(ip) ?? 0) + 1);
    if (userId !== undefined) this.byUser.set(userId, (this.byUser.get(userId) ?? 0) + 1);
    return { ok: true };
  }

  release(ip: string, userId: string | undefined): void {
    decrement(this.byIp, ip);
    if (userId !== undefined) decrement(this.byUser, userId);
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 0) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
