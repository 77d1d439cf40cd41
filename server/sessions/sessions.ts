/**
 * Ending sessions, in one place. A session ends in storage (logout, logout
 * everywhere, a password change, expiry), and every socket that carried it
 * must then close, on every process: tRPC builds a socket's context once, so a
 * socket left open would go on acting and reading as the signed-out user.
 *
 * So this module: ends sessions through the auth interface; closes their
 * sockets here (session-sockets.ts); announces them to the other processes and
 * hears theirs (a `sessions-ended` control event); and, because an announcement
 * can be lost, looks every held session up again after a lag, every
 * SOCKET_SESSIONS_RECHECK_MS, and on a socket's calls (`stillStands`, within a
 * second: server/trpc/init.ts). It also purges expired sessions from storage.
 * Made by the app, stopped by its close(): no timer runs at import.
 */
import { type Auth, storedSessionId } from "../auth/index.ts";
import type { ControlChannel } from "../groups/control-channel.ts";
import { SESSIONS_PER_EVENT } from "../limits/defaults.ts";
import { type SessionSocket, SessionSockets, SOCKET_SESSIONS_RECHECK_MS } from "./session-sockets.ts";
import { startSessionSweep, sweepIntervalMs } from "./session-sweep.ts";

export {
  CLOSE_SESSION_ENDED,
  type ClosableSocket,
  type SessionSocket,
  SOCKET_SESSIONS_RECHECK_MS,
} from "./session-sockets.ts";

export interface SessionsOptions {
  auth: Auth;
  /** Where ended sessions are announced to, and heard from, the other processes. */
  control: ControlChannel;
  log: { info(fields: object, message: string): void; error(fields: object, message: string): void };
  /** Session lifetime: expired sessions are purged about once per lifetime (see sweepIntervalMs). */
  sessionTtlSeconds: number;
  /** How often every held session is looked up again; default SOCKET_SESSIONS_RECHECK_MS. */
  recheckMs?: number | undefined;
}

export interface Sessions {
  /** Ends the session of `token`: in storage, its sockets here (the caller's own after its answer), and on every other process. */
  end(token: string): Promise<void>;
  /** Ends every session of the user, the caller's too, the same way; resolves to how many ended. */
  endAll(userId: number): Promise<number>;
  /**
   * Ends one session of the user by the id `auth.sessions` lists, the same way;
   * resolves to whether it was the session of `callerToken`, or null when the user has none with that id.
   */
  endOne(userId: number, id: string, callerToken: string): Promise<{ current: boolean } | null>;
  /**
   * A new password when the current one is right; then every other session of the
   * user ends as in `endAll` (the one holding `keepToken` stays). Null when the
   * current password was wrong.
   */
  changePassword(
    userId: number,
    keepToken: string,
    passwords: { currentPassword: string; newPassword: string },
  ): Promise<{ endedSessions: number } | null>;
  /**
   * Whether the session of `token` still stands. When it does not (it ended where
   * nobody closed this process's sockets: the announcement was lost), its sockets
   * here close (4001, on the next turn, after the caller's answer).
   */
  stillStands(token: string): Promise<boolean>;
  /**
   * Moves on each time this process hears that sessions ended, or may have (a lag).
   * Read it before looking up the session of a socket being registered, and pass it
   * to `stoodWhileRegistering` once registered.
   */
  readonly endings: number;
  /** Registers a signed-in socket, to be closed when its session ends (or expires); call the returned function when it closes. */
  hold(registration: SessionSocket): () => void;
  /**
   * After `hold`: if an ending was heard since `endingsBefore`, the close meant for
   * this socket may have come before it was registered, so the session is looked up
   * afresh. False when it no longer stands: close the socket as that close would have.
   */
  stoodWhileRegistering(token: string, endingsBefore: number): Promise<boolean>;
  /** Sockets held for the session of `token` on this process (tests, metrics). */
  socketCount(token: string): number;
  /** Stops the timers, waiting for a sweep or re-check in progress. */
  close(): Promise<void>;
}

export function createSessions(opts: SessionsOptions): Sessions {
  const { auth, control, log, sessionTtlSeconds, recheckMs = SOCKET_SESSIONS_RECHECK_MS } = opts;
  const sockets = new SessionSockets({
    revalidate: (token) => auth.validate(token, { fresh: true }),
    standing: (ids) => auth.standing(ids),
  });
  const listening = listen({ auth, control, log, sockets, sessionTtlSeconds, recheckMs });

  return {
    async end(token) {
      await auth.logout(token);
      // Closing the socket the call came in on too is the point: it carried the session.
      sockets.closeSession(token);
      await announce(opts, [storedSessionId(token)]);
    },
    async endAll(userId) {
      const ended = await auth.logoutAll(userId);
      sockets.closeUser(userId);
      await announce(opts, ended);
      return ended.length;
    },
    async endOne(userId, id, callerToken) {
      const ended = await auth.endSession(userId, id);
      if (!ended) return null;
      sockets.closeSessionById(ended);
      await announce(opts, [ended]);
      return { current: ended === storedSessionId(callerToken) };
    },
    async changePassword(userId, keepToken, passwords) {
      const changed = await auth.changePassword(userId, keepToken, passwords);
      if (!changed) return null;
      sockets.closeUser(userId, { exceptToken: keepToken });
      await announce(opts, changed.endedSessions);
      return { endedSessions: changed.endedSessions.length };
    },
    async stillStands(token) {
      // Fresh: a kept answer could be a second old, and this check is what bounds an unannounced ending to a second.
      if (await auth.validate(token, { fresh: true })) return true;
      sockets.closeSession(token);
      return false;
    },
    get endings() {
      return sockets.endings;
    },
    hold: (registration) => sockets.add(registration),
    // A fresh lookup: hearing an ending drops the shared ones (Auth.validate).
    stoodWhileRegistering: async (token, endingsBefore) =>
      sockets.endings === endingsBefore || (await auth.validate(token, { fresh: true })) !== null,
    socketCount: (token) => sockets.count(token),
    close: () => listening.stop(),
  };
}

/**
 * Tells every other process that these sessions (stored keys) ended, so they close
 * their sockets too. If the publish fails, those processes still refuse the
 * sessions' calls within a second and close their sockets at the next re-check.
 */
async function announce(
  { control, log }: Pick<SessionsOptions, "control" | "log">,
  sessions: readonly string[],
): Promise<void> {
  for (let i = 0; i < sessions.length; i += SESSIONS_PER_EVENT) {
    await control
      .publish({ type: "sessions-ended", sessions: sessions.slice(i, i + SESSIONS_PER_EVENT) })
      .catch((error) => {
        log.error(
          { err: error },
          "ended session not announced to other processes (they stop it within a second on use)",
        );
      });
  }
}

/**
 * Hears sessions ended elsewhere, or possibly missed (a lag), and closes their
 * sockets here; re-checks every held session now and then, and purges expired
 * sessions from storage. Resolves `stop` once no re-check or purge runs.
 */
function listen(opts: Omit<SessionsOptions, "recheckMs"> & { recheckMs: number; sockets: SessionSockets }): {
  stop(): Promise<void>;
} {
  const { auth, control, log, sockets } = opts;
  // A session ended on another process: close its sockets here too.
  control.on("sessions-ended", (event) => {
    auth.sessionsEnded();
    for (const id of event.sessions) sockets.closeSessionById(id);
  });
  // Such an announcement may have been missed (Redis away, a dropped backlog): look every held session up again.
  control.onLagged(() => {
    auth.sessionsEnded();
    sockets.recheckAll().then(
      (closed) => closed > 0 && log.info({ closed }, "sockets of sessions that ended unannounced closed after a lag"),
      (error) => log.error({ err: error }, "re-checking sessions after a lag failed"),
    );
  });
  // And now and then anyway: an announcement lost without a lag here (only the announcing
  // process lost Redis) must not leave a socket that makes no call streaming for good.
  const recheck = startSessionSweep({
    purge: () => sockets.recheckAll(),
    intervalMs: opts.recheckMs,
    onError: (error) => log.error({ err: error }, "re-checking sessions failed"),
  });
  const purge = startSessionSweep({
    purge: () => auth.purgeExpired(),
    intervalMs: sweepIntervalMs(opts.sessionTtlSeconds),
    onError: (error) => log.error({ err: error }, "purging expired sessions failed"),
  });
  return {
    async stop() {
      await purge.stop();
      await recheck.stop();
    },
  };
}
