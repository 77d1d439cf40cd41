/**
 * Which open WebSockets belong to which session. tRPC builds a socket's
 * context once, when it connects, so a logout must close the sockets that
 * carried the session, or they would keep acting as the signed-out user.
 */
export interface ClosableSocket {
  close(code?: number, reason?: string): void;
}

/** Close code for "your session ended": the client reconnects and is a guest from then on. */
export const CLOSE_SESSION_ENDED = 4001;

export class SessionSockets {
  private bySession = new Map<string, Set<ClosableSocket>>();

  add(token: string, socket: ClosableSocket): () => void {
    let set = this.bySession.get(token);
    if (!set) this.bySession.set(token, (set = new Set()));
    set.add(socket);
    return () => {
      set.delete(socket);
      if (set.size === 0 && this.bySession.get(token) === set) this.bySession.delete(token);
    };
  }

  closeSession(token: string): number {
    const set = this.bySession.get(token);
    if (!set) return 0;
    this.bySession.delete(token);
    // On the next turn, so the reply to the logout that ended it still goes out on its own socket.
    setTimeout(() => {
      for (const socket of set) socket.close(CLOSE_SESSION_ENDED, "Session ended");
    }, 0);
    return set.size;
  }

  count(token: string): number {
    return this.bySession.get(token)?.size ?? 0;
  }
}
