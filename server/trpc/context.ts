/**
 * What every procedure sees: the app's services, under one key, and who is
 * calling. The services are built once per app and shared by every context;
 * a context itself (per HTTP request, or once per WebSocket connection) holds
 * a handful of keys, because tRPC copies it at every middleware that passes
 * `ctx` on.
 */
import { TRPCError } from "@trpc/server";
import type { FetchCreateContextFnOptions } from "@trpc/server/adapters/fetch";
import type { Db } from "../../db/index.ts";
import type { User } from "../../shared/schemas.ts";
import type { Auth } from "../auth/index.ts";
import type { RoomLog } from "../chat/room-log.ts";
import type { Limits } from "../config.ts";
import type { Files } from "../files/files.ts";
import type { GroupLayer } from "../groups/group-layer.ts";
import type { LiveSeat } from "../groups/live-channel.ts";
import type { ConnectionCaps } from "../limits/connection-caps.ts";
import type { Limiters } from "../limits/limiters.ts";
import { createSemaphore, type Semaphore } from "../limits/semaphore.ts";
import type { Logger } from "../ops/log.ts";
import type { Metrics } from "../ops/metrics.ts";
import type { Presence } from "../presence/presence.ts";
import type { Profiles } from "../profiles/profiles.ts";
import type { Revocations } from "../rooms/revocations.ts";
import type { Rooms } from "../rooms/rooms.ts";
import { CLOSE_SESSION_ENDED, type Sessions } from "../sessions/sessions.ts";
import type { Unread } from "../unread/unread.ts";

/** The app's services: one object per app (server/app.ts), shared by every call as `ctx.services`. */
export interface Services {
  db: Db;
  auth: Auth;
  /** The room log: append, publish, history, streams. */
  chat: RoomLog;
  /** Rooms as places: access, members, roles, bans, direct messages. */
  rooms: Rooms;
  /** Uploads, who may read a file, and their purge (server/files/). */
  files: Files;
  /** Read markers and the live unread picture (`me.rooms`). */
  unread: Unread;
  /** People as others see them: display names, and their changes live. */
  profiles: Profiles;
  /** Ends a user's open streams of a room when they lose access, on every process. */
  revocations: Revocations;
  groups: GroupLayer;
  presence: Presence;
  /** Ending sessions: in storage, their sockets here and on every process (server/sessions/). */
  sessions: Sessions;
  limits: Limits;
  log: Logger;
  metrics: Metrics;
  /** Rate limits: per process, or shared through Redis. */
  limiters: Limiters;
  /** Connection caps (per address at the handshake, per user when a socket signs in). */
  caps: ConnectionCaps;
}

/** One WebSocket connection's own state, shared by the calls made over it. */
export interface ConnectionState {
  subscriptions: number;
  /** Of those, `room.presence` watches (each is presence in a room: bounded on its own). */
  presenceWatches: number;
  /** Set while a `me.rooms` watch is open on this socket: one per connection (it carries all the user's rooms). */
  watchingMyRooms?: boolean;
  /** When this socket's session was last confirmed in the database (ms since epoch). */
  sessionCheckedAt: number;
  /**
   * Backpressure for replays: resolves at once while less than QUEUED_BYTES_HIGH_WATER
   * is queued for this socket (our outbox plus Bun's buffer), else on the Bun `drain`
   * event that brings it under; rejects with an AbortError if the socket closes first.
   * `await ctx.connection?.drain()` before each batch read from the database.
   */
  drain: () => Promise<void>;
  /**
   * Before each replay batch of a subscription on this socket: waits until no
   * other replay of the connection holds a batch and the socket has drained
   * (`drain`); resolves with the release. So one connection holds one replay
   * batch at a time, however many rooms it resumes at once.
   */
  replayBatch: () => Promise<() => void>;
  /** The seat on the server's live channel of the subscription whose procedure got `signal` (see groups/live-channel.ts), if any. */
  liveSeat?: (signal: AbortSignal | undefined) => LiveSeat | undefined;
  /**
   * Ends the subscription whose procedure got `signal` with `error` (answered, then
   * `stopped`): its signal aborts. False when no live subscription of this socket got it.
   */
  stopSubscription?: (signal: AbortSignal, error: Error) => boolean;
}

export interface Context {
  /** The app's services (the same object for every call): `ctx.services.rooms`, `ctx.services.chat`, … */
  services: Services;
  user: User | null;
  /** The caller's session token, when it is signed in. */
  token: string | null;
  /** The client's address (through trusted proxies, see limits/client-address.ts), when the transport knows it. */
  ip: string | null;
  /** HTTP only: the request's User-Agent, which a sign-in records (browser, system). Absent over WebSocket: not kept per socket. */
  userAgent?: string | null;
  /**
   * HTTP only: headers of the response, for cookies. Absent over WebSocket: a socket's
   * context holds only what its calls read (tRPC copies every key at each middleware).
   */
  resHeaders?: Headers | null;
  /** WebSocket only: the connection the call came in on. */
  connection: ConnectionState | null;
}

/** What a call on a socket whose session has ended gets. */
export const sessionEnded = () =>
  new TRPCError({ code: "UNAUTHORIZED", message: "Your session has ended: sign in again." });

export function createHttpContextFactory(services: Services, clientIp: (req: Request) => string | null) {
  return async function createHttpContext({ req, resHeaders }: FetchCreateContextFnOptions): Promise<Context> {
    const cookieToken = services.auth.tokenFromHeaders({ cookie: req.headers.get("cookie") });
    const token = services.auth.tokenFromHeaders({ authorization: req.headers.get("authorization") }) ?? cookieToken;
    const session = token ? await services.auth.validate(token) : null;
    // Sliding expiry: a cookie whose session was just extended is re-issued with the new date.
    if (session?.renewed && session.token === cookieToken)
      resHeaders.append("set-cookie", services.auth.sessionCookie(session.token));
    return {
      services,
      user: session?.user ?? null,
      token: session ? token : null,
      ip: clientIp(req),
      userAgent: req.headers.get("user-agent"),
      resHeaders,
      connection: null,
    };
  };
}

export interface WsContextInput {
  /** The upgrade request's Cookie header (the session, for browsers). */
  cookie: string | null;
  ip: string | null;
  /** `connectionParams` sent by the client as its first message (scripts' tokens). */
  connectionParams: Record<string, string | undefined> | null;
  socket: {
    close(code?: number, reason?: string): void;
    once(event: "close", listener: () => void): unknown;
    drain(): Promise<void>;
    liveSeat?(signal: AbortSignal | undefined): LiveSeat | undefined;
    stopSubscription?(signal: AbortSignal, error: Error): boolean;
  };
}

export async function createWsContext(services: Services, input: WsContextInput): Promise<Context> {
  const token = input.connectionParams?.token || services.auth.tokenFromHeaders({ cookie: input.cookie });
  const endingsBefore = services.sessions.endings;
  const session = token ? await services.auth.validate(token) : null;
  if (session) {
    // Counted across every process of the deployment when the caps live in Redis.
    const counted = await services.caps.admitUser(session.user.id);
    if (!counted) {
      throw new TRPCError({
        code: "TOO_MANY_REQUESTS",
        message: `At most ${services.limits.maxConnectionsPerUser} connections per user.`,
      });
    }
    const release = services.sessions.hold({
      token: session.token,
      userId: session.user.id,
      socket: input.socket,
      expiresAt: session.expiresAt,
    });
    input.socket.once("close", both(release, counted));
    // A session that ended while this socket was being admitted had its sockets closed before
    // this one was registered: close this socket as that close would have.
    if (!(await services.sessions.stoodWhileRegistering(session.token, endingsBefore))) {
      input.socket.close(CLOSE_SESSION_ENDED, "Session ended");
      throw sessionEnded();
    }
  }
  return {
    services,
    user: session?.user ?? null,
    token: session ? session.token : null,
    ip: input.ip,
    connection: new WsConnectionState(input.socket),
  };
}

/**
 * Runs `a` then `b`. Closures made in an async function keep its whole frame
 * (here: the context input, the services) for as long as the connection lives;
 * made here, one holds just the two functions.
 */
export function both(a: () => void, b: () => void): () => void {
  return () => {
    a();
    b();
  };
}

/** A socket's ConnectionState: its methods live on the prototype, so an idle connection holds one small object. */
class WsConnectionState implements ConnectionState {
  subscriptions = 0;
  presenceWatches = 0;
  sessionCheckedAt = Date.now();
  /** One replay batch at a time per connection (made on first use). */
  private replays: Semaphore | undefined;

  constructor(
    private readonly socket: {
      drain(): Promise<void>;
      liveSeat?(signal: AbortSignal | undefined): LiveSeat | undefined;
      stopSubscription?(signal: AbortSignal, error: Error): boolean;
    },
  ) {}

  drain(): Promise<void> {
    return this.socket.drain();
  }

  liveSeat(signal: AbortSignal | undefined): LiveSeat | undefined {
    return this.socket.liveSeat?.(signal);
  }

  stopSubscription(signal: AbortSignal, error: Error): boolean {
    return this.socket.stopSubscription?.(signal, error) ?? false;
  }

  async replayBatch(): Promise<() => void> {
    const release = await (this.replays ??= createSemaphore(1)).acquire();
    try {
      await this.socket.drain();
      return release;
    } catch (error) {
      release();
      throw error;
    }
  }
}
