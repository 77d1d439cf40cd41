/**
 * Which open WebSockets belong to which session and user. tRPC builds a
 * socket's context once, when it connects, so a session that ends — logout or
 * expiry — must close the sockets that carried it, or they would keep acting
 * as the signed-out user. (The per-user cap is counted in limits/connection-caps.ts,
 * across processes.)
 */
import { hashToken } from "../auth/session-adapter.ts";

export interface ClosableSocket {
  close(code?: number, reason?: string): void;
}

/** Close code for "your session ended": the client reconnects and is a guest from then on. */
export const CLOSE_SESSION_ENDED = 4001;

/** setTimeout's longest delay (~24.8 days); a later expiry is re-checked then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SessionSocket {
  token: string;
  userId: number;
  socket: ClosableSocket;
  expiresAt: Date;
}

export interface SessionSocketsOptions {
  /** Looks the session up again when its known expiry comes: sliding expiry may have moved it. */
  revalidate(token: string): Promise<{ expiresAt: Date } | null>;
}

interface Entry extends SessionSocket {
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class SessionSockets {
  /** By the session's id as stored (SHA-256 of the token), so other processes can name it without the token. */
  private bySession = new Map<string, Set<Entry>>();

  constructor(private readonly options: SessionSocketsOptions) {}

  /** Registers a signed-in socket; call the returned function when it closes. */
  add(registration: SessionSocket): () => void {
    const entry: Entry = { ...registration, timer: undefined };
    const id = hashToken(entry.token);
    let set = this.bySession.get(id);
    if (!set) this.bySession.set(id, (set = new Set()));
    set.add(entry);
    this.armExpiry(entry);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      clearTimeout(entry.timer);
      set.delete(entry);
      if (set.size === 0 && this.bySession.get(id) === set) this.bySession.delete(id);
    };
  }

  private armExpiry(entry: Entry) {
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, entry.expiresAt.getTime() - Date.now()));
    entry.timer = setTimeout(async () => {
      const session = await this.options.revalidate(entry.token).catch(() => null);
      if (!this.bySession.get(hashToken(entry.token))?.has(entry)) return;
      if (session && session.expiresAt.getTime() > Date.now()) {
        entry.expiresAt = session.expiresAt;
        this.armExpiry(entry);
      } else {
        entry.socket.close(CLOSE_SESSION_ENDED, "Session expired");
      }
    }, delay);
  }

  /** Closes every socket of a session (on the next turn, so a logout's own reply still goes out). */
  closeSession(token: string): number {
    return this.closeSessionById(hashToken(token));
  }

  /** The same, by the session's stored id: what another process sends when a session ends there. */
  closeSessionById(id: string): number {
    const set = this.bySession.get(id);
    if (!set) return 0;
    const entries = [...set];
    setTimeout(() => {
      for (const entry of entries) entry.socket.close(CLOSE_SESSION_ENDED, "Session ended");
    }, 0);
    return entries.length;
  }

  /**
   * Closes every socket of every session of the user but `exceptToken`'s (sign out
   * everywhere, a password change), on this process; other processes hear of the
   * ended sessions over the control channel (`sessions-ended`).
   */
  closeUser(userId: number, { exceptToken }: { exceptToken?: string } = {}): number {
    const except = exceptToken === undefined ? undefined : hashToken(exceptToken);
    let closed = 0;
    for (const [id, set] of this.bySession) {
      if (id === except) continue;
      const first = set.values().next().value;
      if (first?.userId === userId) closed += this.closeSessionById(id);
    }
    return closed;
  }

  count(token: string): number {
    return this.bySession.get(hashToken(token))?.size ?? 0;
  }
}
