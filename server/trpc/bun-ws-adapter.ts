/**
 * tRPC over Bun.serve's native WebSockets, with our own protocol handler
 * (ws/protocol.ts, ws/connection.ts) instead of tRPC's `getWSConnectionHandler`:
 * the same wire protocol, so tRPC's wsLink is the client, but a published message
 * is serialized once for all its subscribers and each delivery is one string
 * concatenation. Results go out once per event-loop turn, corked per socket.
 */
import type { AnyRouter, inferRouterContext } from "@trpc/server";
import type { WebSocketHandler } from "bun";
import { BUN_BACKPRESSURE_MULTIPLE, FORCED_CLOSE_WAIT_MS } from "../limits/defaults.ts";
import { CLOSE_TOO_SLOW, Connection, type ConnectionHost } from "./ws/connection.ts";
import { createFrameEncoder, RECONNECT_FRAME } from "./ws/protocol.ts";
import type { SocketWriter } from "./ws/socket-writer.ts";
import { createTopicChannel, type TopicServer } from "./ws/topics.ts";

export { CLOSE_TOO_SLOW };

/** Per-socket state, set at upgrade. Kept small: it is held for every open connection. */
export interface TrpcSocketData {
  /** Path and query of the upgrade request (`?connectionParams=1` lives there); read at open, then cleared. */
  url: string;
  cookie: string | null;
  ip: string | null;
  connection?: Connection<TrpcSocketData>;
  /** Names the connection in log lines. */
  id?: string;
}

export interface BunWsContextInput {
  cookie: string | null;
  ip: string | null;
  connectionParams: Record<string, string | undefined> | null;
  /** The connection: closable, and tells `once("close")` listeners when it has closed. */
  socket: Connection<TrpcSocketData>;
}

export interface BunWsHandlerOptions<TRouter extends AnyRouter> {
  router: TRouter;
  createContext: (input: BunWsContextInput) => Promise<inferRouterContext<TRouter>>;
  onError?: (error: Error, path: string | undefined, data: TrpcSocketData) => void;
  /** After a connection has closed, with its upgrade data and the code it closed with. */
  onClose?: (data: TrpcSocketData, code: number) => void;
  /** Largest incoming frame; larger ones close the socket with 1009. */
  maxPayloadLength: number;
  /** Bytes queued for a slow reader before the socket is closed with CLOSE_TOO_SLOW. */
  slowConsumerBytes: number;
  /** Bytes queued at or above which a socket starts no call and `drain()` waits; below `slowConsumerBytes`. */
  highWaterBytes: number;
  /** Calls one frame may carry (more: every call in it is refused with PAYLOAD_TOO_LARGE). */
  maxBatchSize: number;
  /** Queries and mutations running at once per connection (more: TOO_MANY_REQUESTS). */
  maxCallsInFlight: number;
  /** Seconds without any traffic (Bun pings idle sockets) before a dead peer is dropped. */
  idleTimeout: number;
  /** Counts deliveries (metrics). */
  stats?: { deliveries: number };
}

export interface BunWsServer {
  websocket: WebSocketHandler<TrpcSocketData>;
  /** Open connections. */
  connectionCount(): number;
  /** Closes every connection with `code` at once (what is in flight loses its answer); clients reconnect and resume. */
  closeAll(code: number, reason: string): void;
  /**
   * Graceful shutdown, as tRPC's own handler and client do it: every client gets
   * the reconnect notice and its socket stays open, serving every call, for
   * `graceMs` (tRPC's client keeps sending on it until its new socket is open,
   * then closes it once nothing is left on it); then each socket refuses new
   * queries and mutations, answers those in flight and closes with `code`; at
   * `timeoutMs` whatever is still open is closed. Resolves once every socket is.
   */
  drainAll(code: number, reason: string, times: { graceMs: number; timeoutMs: number }): Promise<void>;
  /** The Bun server the sockets belong to: caught-up subscribers are then written by its topic publish. */
  attach(server: TopicServer): void;
  /** Subscriptions of `key` (a room's group) whose live events are written by the topic publish (tests, metrics). */
  liveMembers(key: string): number;
}

type Conn = Connection<TrpcSocketData>;

export function createBunWsHandler<TRouter extends AnyRouter>(opts: BunWsHandlerOptions<TRouter>): BunWsServer {
  const open = new Set<Conn>();
  const closes = createCloseWaiter(open);
  const flushes = createTurnFlushes();
  const frames = createFrameEncoder(opts.router);
  const stats = opts.stats ?? { deliveries: 0 };
  const { highWaterBytes, slowConsumerBytes } = opts;
  const topics = createTopicChannel({ frames, highWaterBytes, slowConsumerBytes, stats });
  const host: ConnectionHost<TrpcSocketData> = {
    router: opts.router,
    frames,
    topics,
    async createContext(connection, connectionParams) {
      const data = connection.ws.data;
      const ctx = await opts.createContext({ cookie: data.cookie, ip: data.ip, connectionParams, socket: connection });
      // Read once, when the context is made: no need to hold it for the connection's life.
      data.cookie = null;
      return ctx;
    },
    onError: (error, path, connection) => opts.onError?.(error, path, connection.ws.data),
    stats,
    slowConsumerBytes,
    highWaterBytes,
    maxBatchSize: opts.maxBatchSize,
    maxCallsInFlight: opts.maxCallsInFlight,
    scheduleFlush: flushes.schedule,
  };

  return {
    websocket: bunWebSocketHandler(opts, host, { open, closes, flushes }),
    attach: (server) => topics.attach(server),
    liveMembers: (key) => topics.members(key),
    connectionCount: () => open.size,
    closeAll(code, reason) {
      // tRPC's "reconnect" notice first: its client opens a new connection straight away.
      for (const connection of [...open]) {
        connection.sendNow(RECONNECT_FRAME);
        connection.close(code, reason);
      }
    },
    async drainAll(code, reason, { graceMs, timeoutMs }) {
      const deadline = Date.now() + timeoutMs;
      for (const connection of open) connection.sendNow(RECONNECT_FRAME);
      if (await closes.allClosedWithin(Math.min(graceMs, timeoutMs))) return;
      for (const connection of [...open]) connection.closeWhenAnswered(code, reason);
      if (await closes.allClosedWithin(deadline - Date.now())) return;
      for (const connection of [...open]) connection.close(code, reason);
      // Each close is reported once Bun has done it; a peer that never completes it is cut by the server's stop.
      await closes.allClosedWithin(FORCED_CLOSE_WAIT_MS);
    },
  };
}

/** Bun's callbacks for the server's sockets: each open socket is one Connection, kept in `open` until it closes. */
function bunWebSocketHandler(
  opts: BunWsHandlerOptions<AnyRouter>,
  host: ConnectionHost<TrpcSocketData>,
  { open, closes, flushes }: { open: Set<Conn>; closes: CloseWaiter; flushes: TurnFlushes },
): WebSocketHandler<TrpcSocketData> {
  return {
    maxPayloadLength: opts.maxPayloadLength,
    // Bun's own limit is the backstop: well above ours, so ours (with a close code) acts first.
    backpressureLimit: opts.slowConsumerBytes * BUN_BACKPRESSURE_MULTIPLE,
    closeOnBackpressureLimit: true,
    idleTimeout: opts.idleTimeout,
    sendPings: true,
    perMessageDeflate: false,

    open(ws) {
      const expectsConnectionParams = asksForConnectionParams(ws.data.url);
      // Read once, at open: not held for the connection's life.
      ws.data.url = "";
      const connection = new Connection(ws, host, expectsConnectionParams);
      ws.data.connection = connection;
      open.add(connection);
    },

    message(ws, message) {
      ws.data.connection?.onMessage(message);
    },

    // Bun wrote out some of what it held for a socket that had backpressure.
    drain(ws) {
      ws.data.connection?.onDrain();
    },

    close(ws, code) {
      const connection = ws.data.connection;
      opts.onClose?.(ws.data, connection?.closeCode ?? code);
      if (!connection) return;
      open.delete(connection);
      flushes.forget(connection);
      ws.data.connection = undefined;
      connection.closed();
      closes.closed();
    },
  };
}

/** The upgrade's `?connectionParams=1` (tRPC's wsLink sends exactly that when it has any): no parser for that query. */
function asksForConnectionParams(url: string): boolean {
  const query = url.indexOf("?");
  if (query < 0) return false;
  if (url.length - query === CONNECTION_PARAMS_QUERY.length && url.endsWith(CONNECTION_PARAMS_QUERY)) return true;
  return new URLSearchParams(url.slice(query)).get("connectionParams") === "1";
}
const CONNECTION_PARAMS_QUERY = "?connectionParams=1";

interface TurnFlushes {
  /** Flushes `writer` once the current turn's promise chains have run. */
  schedule(writer: SocketWriter<TrpcSocketData>): void;
  /** A closed socket: nothing left to flush. */
  forget(writer: SocketWriter<TrpcSocketData>): void;
}

/** Connections with queued frames, flushed once per event-loop turn (one corked write each). */
function createTurnFlushes(): TurnFlushes {
  let dirty = new Set<SocketWriter<TrpcSocketData>>();
  let flushScheduled = false;
  const flushAll = () => {
    flushScheduled = false;
    const batch = dirty;
    dirty = new Set();
    for (const connection of batch) connection.flush();
  };
  return {
    schedule(writer) {
      dirty.add(writer);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushAll);
      }
    },
    forget: (writer) => dirty.delete(writer),
  };
}

interface CloseWaiter {
  /** True once every connection has closed, false if `ms` passed first. */
  allClosedWithin(ms: number): Promise<boolean>;
  /** A connection left `open`. */
  closed(): void;
}

/** What `drainAll` waits on: the last of the `open` connections closing. */
function createCloseWaiter(open: Set<Conn>): CloseWaiter {
  /** While `drainAll` waits: told when the last connection has closed. */
  let lastClosed: PromiseWithResolvers<void> | null = null;
  return {
    async allClosedWithin(ms) {
      if (open.size === 0) return true;
      lastClosed ??= Promise.withResolvers<void>();
      let timer: Timer | undefined;
      const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
      try {
        return await Promise.race([lastClosed.promise.then(() => true), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
    closed() {
      if (open.size === 0 && lastClosed) {
        lastClosed.resolve();
        lastClosed = null;
      }
    },
  };
}
