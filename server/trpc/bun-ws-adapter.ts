/**
 * tRPC's own WebSocket protocol handler (`getWSConnectionHandler`), served by
 * Bun.serve's native WebSockets. tRPC's handler expects a `ws`-library socket;
 * `BunSocketShim` is the small part of that API it uses (events, readyState,
 * send, close, terminate). Everything protocol-related — batching, subscription
 * ids and stop, `lastEventId`, connectionParams, errors — stays tRPC's code.
 */
import { EventEmitter } from "node:events";
import type { AnyRouter, inferRouterContext } from "@trpc/server";
import { getWSConnectionHandler, type WSConnectionHandlerOptions, type WSSHandlerOptions } from "@trpc/server/adapters/ws";
import type { ServerWebSocket, WebSocketHandler } from "bun";

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** Close code for a client that reads too slowly: it reconnects and resumes from the database. */
export const CLOSE_TOO_SLOW = 4003;

/** Per-socket state, set at upgrade. Kept small: it is held for every open connection. */
export interface TrpcSocketData {
  /** Path and query of the upgrade request (`?connectionParams=1` lives there). */
  url: string;
  host: string;
  cookie: string | null;
  ip: string | null;
  shim?: BunSocketShim;
}

/** tRPC's frame for a result: `{"id":…,"result":{"type":"data",…` (a subscription event, or a call's answer). */
function isDelivery(frame: string): boolean {
  const at = frame.indexOf(',"result":{"type":"data"');
  return at > 0 && at < 80;
}

export class BunSocketShim extends EventEmitter {
  readyState = CONNECTING;

  constructor(
    private readonly ws: ServerWebSocket<TrpcSocketData>,
    /** Bytes queued for this client past which it is closed as too slow. */
    private readonly slowConsumerBytes: number,
    /** The upgrade request's Cookie header, for the connection's context. */
    readonly cookie: string | null,
    readonly ip: string | null,
    /** Asks for `flush()` at the end of this event-loop turn. */
    private readonly scheduleFlush: (shim: BunSocketShim) => void,
  ) {
    super();
  }

  /** Frames sent since the last flush: written together, corked, once per event-loop turn. */
  private outbox: (string | Uint8Array)[] | null = null;

  send(data: string | Uint8Array): void {
    if (this.readyState !== OPEN) return;
    // Only results (subscription events, answers) wait for the turn's flush; errors,
    // `started`/`stopped` and notices go out at once (after what is queued), as before.
    if (typeof data !== "string" || !isDelivery(data)) {
      this.flush();
      this.write(data);
      return;
    }
    if (this.outbox) {
      this.outbox.push(data);
      return;
    }
    this.outbox = [data];
    this.scheduleFlush(this);
  }

  private write(data: string | Uint8Array): void {
    this.ws.send(data);
    this.checkBackpressure();
  }

  private checkBackpressure(): void {
    // A reader that has fallen this far behind is cut off with a reason, before Bun's
    // own hard limit (which drops the connection without one). It resumes on reconnect.
    if (this.ws.getBufferedAmount() > this.slowConsumerBytes) this.close(CLOSE_TOO_SLOW, "Reading too slowly");
  }

  /**
   * Writes what `send` queued. One publish reaches each subscriber through a chain of
   * promises; writing each frame at once costs a syscall per frame, while one corked
   * write per socket per turn carries every frame queued in that turn.
   */
  flush(): void {
    const frames = this.outbox;
    this.outbox = null;
    if (!frames || this.readyState !== OPEN) return;
    if (frames.length === 1) this.ws.send(frames[0]!);
    else
      this.ws.cork(() => {
        for (const frame of frames) this.ws.send(frame);
      });
    this.checkBackpressure();
  }

  /** The code this side closed with, if it did. */
  closeCode: number | undefined;

  close(code?: number, reason?: string): void {
    if (this.readyState >= CLOSING) return;
    // What was sent before closing goes out first (an error, the reconnect notice).
    this.flush();
    this.readyState = CLOSING;
    this.closeCode = code;
    this.ws.close(code, reason);
  }

  terminate(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    this.ws.terminate();
  }
}

export interface BunWsContextInput {
  cookie: string | null;
  ip: string | null;
  connectionParams: Record<string, string | undefined> | null;
  socket: BunSocketShim;
}

export interface BunWsHandlerOptions<TRouter extends AnyRouter> {
  router: TRouter;
  createContext: (input: BunWsContextInput) => Promise<inferRouterContext<TRouter>>;
  onError?: (error: Error, path: string | undefined) => void;
  /** After a connection has closed, with its upgrade data and the code it closed with. */
  onClose?: (data: TrpcSocketData, code: number) => void;
  /** Largest incoming frame; larger ones close the socket with 1009. */
  maxPayloadLength: number;
  /** Bytes queued for a slow reader before the socket is closed with CLOSE_TOO_SLOW. */
  slowConsumerBytes: number;
  /** Seconds without any traffic (Bun pings idle sockets) before a dead peer is dropped. */
  idleTimeout: number;
}

export interface BunWsServer {
  websocket: WebSocketHandler<TrpcSocketData>;
  /** Open connections. */
  connectionCount(): number;
  /** Closes every connection with `code`; clients reconnect and resume. */
  closeAll(code: number, reason: string): void;
}

export function createBunWsHandler<TRouter extends AnyRouter>(opts: BunWsHandlerOptions<TRouter>): BunWsServer {
  const open = new Set<BunSocketShim>();
  // Sockets with queued frames, flushed once the current turn's promise chains have run.
  let dirty = new Set<BunSocketShim>();
  let flushScheduled = false;
  const flushAll = () => {
    flushScheduled = false;
    const batch = dirty;
    dirty = new Set();
    for (const shim of batch) shim.flush();
  };
  const scheduleFlush = (shim: BunSocketShim) => {
    dirty.add(shim);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushAll);
    }
  };
  const handlerOptions: WSConnectionHandlerOptions<TRouter> = {
    router: opts.router,
    // tRPC passes our shim back as `res`.
    createContext: ({ res, info }) => {
      const socket = res as unknown as BunSocketShim;
      return opts.createContext({ cookie: socket.cookie, ip: socket.ip, connectionParams: info.connectionParams, socket });
    },
    onError: ({ error, path }) => opts.onError?.(error, path),
  };
  // Typed as needing a `ws` server, which only applyWSSHandler uses; the connection handler does not.
  const onConnection = getWSConnectionHandler<TRouter>(handlerOptions as WSSHandlerOptions<TRouter>);

  const websocket: WebSocketHandler<TrpcSocketData> = {
    maxPayloadLength: opts.maxPayloadLength,
    // Bun's own limit is the backstop: well above ours, so ours (with a close code) acts first.
    backpressureLimit: opts.slowConsumerBytes * 4,
    closeOnBackpressureLimit: true,
    idleTimeout: opts.idleTimeout,
    sendPings: true,
    perMessageDeflate: false,

    open(ws) {
      const shim = new BunSocketShim(ws, opts.slowConsumerBytes, ws.data.cookie, ws.data.ip, scheduleFlush);
      shim.readyState = OPEN;
      ws.data.shim = shim;
      open.add(shim);
      // The request-like object tRPC reads: `url` (with the query) and `headers.host`.
      const req = { url: ws.data.url, headers: { host: ws.data.host }, socket: {} };
      onConnection(shim as never, req as never);
    },

    message(ws, message) {
      // tRPC's handler takes Buffers, with the `ws` library's isBinary flag.
      const isBinary = typeof message !== "string";
      ws.data.shim?.emit("message", isBinary ? message : Buffer.from(message), isBinary);
    },

    close(ws, code, reason) {
      opts.onClose?.(ws.data, ws.data.shim?.closeCode ?? code);
      const shim = ws.data.shim;
      if (!shim) return;
      shim.readyState = CLOSED;
      open.delete(shim);
      dirty.delete(shim);
      shim.emit("close", code, reason);
      shim.removeAllListeners();
      ws.data.shim = undefined;
    },
  };

  return {
    websocket,
    connectionCount: () => open.size,
    closeAll(code, reason) {
      // tRPC's own "reconnect" notification first: its client opens a new connection straight away.
      const reconnect = JSON.stringify({ id: null, method: "reconnect" });
      for (const shim of [...open]) {
        shim.send(reconnect);
        shim.close(code, reason);
      }
    },
  };
}
