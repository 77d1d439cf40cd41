/**
 * Which open WebSockets belong to which session and user. tRPC builds a
 * socket's context once, when it connects, so a session that ends — logout or
 * expiry — must close the sockets that carried it, or they would keep acting
 * (and reading) as the signed-out user. (The per-user cap is counted in
 * limits/connection-caps.ts, across processes.)
 *
 * How a socket learns its session ended: the ending is heard (here, or announced
 * by another process), which closes it at once; after a lag, when such
 * announcements may have been missed, and every SOCKET_SESSIONS_RECHECK_MS,
 * `recheckAll` looks every held session up again; a call on it finds out within a
 * second (sessions.ts `stillStands`, asked by server/trpc/init.ts); and a socket still being registered when an
 * ending is heard looks its session up again once registered (`endings`), so it
 * cannot slip in after the close that was meant for it.
 */
import { CLOSE_SESSION_ENDED } from "../../shared/transport.ts";
import { storedSessionId } from "../auth/index.ts";

export interface ClosableSocket {
  close(code?: number, reason?: string): void;
}

/** Close code for "your session ended": the client reconnects and is a guest from then on (the web app also forgets its offline copies). */
export { CLOSE_SESSION_ENDED };

/**
 * How often every session held here is looked up again (`recheckAll`), whatever
 * was heard: the bound on how long a socket that makes no call keeps streaming
 * after an ending whose announcement was lost without a lag here. One query per
 * 1,000 sessions held.
 */
export const SOCKET_SESSIONS_RECHECK_MS = 30_000;

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
  /** Which of these stored ids (SHA-256 of the tokens) still name a session that stands: `recheckAll`'s lookup. */
  standing(ids: readonly string[]): Promise<Set<string>>;
}

/** One session's open sockets: the session's token, user and known expiry once, and one timer for all of them. */
interface SessionEntry {
  token: string;
  userId: number;
  expiresAt: Date;
  sockets: Set<ClosableSocket>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class SessionSockets {
  /** By the session's id as stored (SHA-256 of the token), so other processes can name it without the token. */
  private bySession = new Map<string, SessionEntry>();
  /** The stored id of each token held here: a session's further sockets (a burst of them) hash its token once. */
  private idOfToken = new Map<string, string>();
  /** Endings heard (sessions closed, lags): see `endings`. */
  private heard = 0;

  constructor(private readonly options: SessionSocketsOptions) {}

  /**
   * Moves on each time this process hears that sessions ended, or may have (a
   * lag). A socket reads it before validating its session and again once it is
   * registered: if it moved, the close it was meant to get may have come before
   * it was here to be closed, so it looks its session up again.
   */
  get endings(): number {
    return this.heard;
  }

  /** Registers a signed-in socket; call the returned function when it closes. */
  add(registration: SessionSocket): () => void {
    const id = this.idOfToken.get(registration.token) ?? storedSessionId(registration.token);
    let entry = this.bySession.get(id);
    if (!entry) {
      entry = {
        token: registration.token,
        userId: registration.userId,
        expiresAt: registration.expiresAt,
        sockets: new Set(),
        timer: undefined,
      };
      this.bySession.set(id, entry);
      this.idOfToken.set(entry.token, id);
      this.armExpiry(id, entry);
    } else if (registration.expiresAt > entry.expiresAt) {
      // Sliding expiry moved it on: the timer, when it fires, looks it up again anyway.
      entry.expiresAt = registration.expiresAt;
    }
    entry.sockets.add(registration.socket);
    return releaser(this.bySession, this.idOfToken, id, entry, registration.socket);
  }

  private armExpiry(id: string, entry: SessionEntry) {
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, entry.expiresAt.getTime() - Date.now()));
    entry.timer = setTimeout(async () => {
      const session = await this.options.revalidate(entry.token).catch(() => null);
      if (this.bySession.get(id) !== entry) return;
      if (session && session.expiresAt.getTime() > Date.now()) {
        entry.expiresAt = session.expiresAt;
        this.armExpiry(id, entry);
      } else {
        for (const socket of [...entry.sockets]) socket.close(CLOSE_SESSION_ENDED, "Session expired");
      }
    }, delay);
  }

  /** Closes every socket of a session (on the next turn, so a logout's own reply still goes out). */
  closeSession(token: string): number {
    return this.closeSessionById(storedSessionId(token));
  }

  /** The same, by the session's stored id: what another process sends when a session ends there. */
  closeSessionById(id: string): number {
    this.heard++;
    const entry = this.bySession.get(id);
    if (!entry) return 0;
    const sockets = [...entry.sockets];
    setTimeout(() => {
      for (const socket of sockets) socket.close(CLOSE_SESSION_ENDED, "Session ended");
    }, 0);
    return sockets.length;
  }

  /**
   * Closes every socket of every session of the user but `exceptToken`'s (sign out
   * everywhere, a password change), on this process; other processes hear of the
   * ended sessions over the control channel (`sessions-ended`).
   */
  closeUser(userId: number, { exceptToken }: { exceptToken?: string } = {}): number {
    const except = exceptToken === undefined ? undefined : storedSessionId(exceptToken);
    this.heard++;
    let closed = 0;
    for (const [id, entry] of this.bySession) {
      if (id !== except && entry.userId === userId) closed += this.closeSessionById(id);
    }
    return closed;
  }

  /**
   * Events about ended sessions may have been missed (a Redis lag or reconnect):
   * looks every session this process holds sockets for up again, in a few
   * queries, and closes the sockets of each that no longer stands (4001).
   * Resolves to how many sockets it closed.
   */
  async recheckAll(): Promise<number> {
    this.heard++;
    const held = [...this.bySession.keys()];
    if (held.length === 0) return 0;
    const standing = await this.options.standing(held);
    let closed = 0;
    for (const id of held) if (!standing.has(id)) closed += this.closeSessionById(id);
    return closed;
  }

  count(token: string): number {
    return this.bySession.get(storedSessionId(token))?.sockets.size ?? 0;
  }
}

/** A socket's release (made outside any method, so the closure holds only what it names). */
function releaser(
  bySession: Map<string, SessionEntry>,
  idOfToken: Map<string, string>,
  id: string,
  entry: SessionEntry,
  socket: ClosableSocket,
): () => void {
  return () => {
    if (!entry.sockets.delete(socket) || entry.sockets.size > 0) return;
    clearTimeout(entry.timer);
    if (bySession.get(id) !== entry) return;
    bySession.delete(id);
    idOfToken.delete(entry.token);
  };
}
