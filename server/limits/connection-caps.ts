/**
 * Caps on open WebSockets, checked at the handshake: a global one (503, the
 * server is full) and one per client IP (429, that client holds too many).
 */
export type Admission = { ok: true } | { ok: false; status: 429 | 503; reason: string };

export interface ConnectionCaps {
  /** Admits a connection from `ip` and counts it, or says why not. */
  admit(ip: string): Admission;
  /** A counted connection has closed (or its upgrade failed). */
  release(ip: string): void;
  total(): number;
}

export function createConnectionCaps(limits: { maxConnections: number; maxConnectionsPerIp: number }): ConnectionCaps {
  const byIp = new Map<string, number>();
  let total = 0;
  return {
    admit(ip) {
      if (total >= limits.maxConnections) return { ok: false, status: 503, reason: "The server is at its connection limit: try again later." };
      const n = byIp.get(ip) ?? 0;
      if (n >= limits.maxConnectionsPerIp) return { ok: false, status: 429, reason: `At most ${limits.maxConnectionsPerIp} connections per address.` };
      byIp.set(ip, n + 1);
      total++;
      return { ok: true };
    },
    release(ip) {
      const n = (byIp.get(ip) ?? 0) - 1;
      if (n > 0) byIp.set(ip, n);
      else byIp.delete(ip);
      total = Math.max(0, total - 1);
    },
    total: () => total,
  };
}
