/**
 * Caps on open WebSockets. At the handshake: a global one per process (503,
 * this server is full: it protects this process's memory) and one per client
 * address (429, that client holds too many). When a socket signs in: one per
 * user (the socket is refused). The address and user counts live in a
 * ConnectionCounter: per process, or in Redis for the whole deployment.
 */
import type { ConnectionCounter, Release } from "./connection-counter.ts";

export type Admission = { ok: true; release: Release } | { ok: false; status: 429 | 503; reason: string };

export interface ConnectionCaps {
  /** Admits a connection from `addressKey` (see addressKey()) and counts it, or says why not. */
  admit(addressKey: string): Promise<Admission>;
  /** Counts a signed-in socket of `userId`: its release, or null when the user holds the most allowed. */
  admitUser(userId: number): Promise<Release | null>;
  /** Open connections admitted by this process. */
  total(): number;
}

export interface ConnectionCapsOptions {
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxConnectionsPerUser: number;
  counter: ConnectionCounter;
}

export function createConnectionCaps(options: ConnectionCapsOptions): ConnectionCaps {
  const { counter } = options;
  let total = 0;
  /** A connection's release (made outside the async admit, so it holds only what it names). */
  const admitted = (release: Release): Release => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      total--;
      release();
    };
  };
  return {
    async admit(addressKey) {
      if (total >= options.maxConnections)
        return { ok: false, status: 503, reason: "The server is at its connection limit: try again later." };
      // Held while the shared count is asked, so a burst cannot overshoot the global cap meanwhile.
      total++;
      let release: Release | null;
      try {
        release = await counter.acquire(`ip:${addressKey}`, options.maxConnectionsPerIp);
      } catch (error) {
        total--;
        throw error;
      }
      if (!release) {
        total--;
        return { ok: false, status: 429, reason: `At most ${options.maxConnectionsPerIp} connections per address.` };
      }
      return { ok: true, release: admitted(release) };
    },
    admitUser: (userId) => counter.acquire(`user:${userId}`, options.maxConnectionsPerUser),
    total: () => total,
  };
}
