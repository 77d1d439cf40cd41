/**
 * The WebSocket side of one app: tRPC over our Bun adapter, each socket admitted
 * under the connection caps, its context built once (server/trpc/context.ts),
 * and counted while open (metrics: open sockets, subscriptions, close codes).
 */
import type { Server } from "bun";
import { withSecurityHeaders } from "../http/security-headers.ts";
import type { Admission } from "../limits/connection-caps.ts";
import { MAX_FRAME_BYTES, WS_IDLE_TIMEOUT_SECONDS } from "../limits/defaults.ts";
import type { Logger } from "../ops/log.ts";
import type { Counts } from "../ops/metrics.ts";
import { type BunWsServer, createBunWsHandler, type TrpcSocketData } from "../trpc/bun-ws-adapter.ts";
import { type ConnectionState, createWsContext, type Services } from "../trpc/context.ts";
import { appRouter } from "../trpc/router.ts";
import { logError } from "./log-error.ts";

export interface WebSocketSide {
  ws: BunWsServer;
  /** Upgrades an admitted request (else answers the refusal); the admission is released when the socket closes. */
  upgrade(
    req: Request,
    server: Server<TrpcSocketData>,
    admission: Admission,
    data: TrpcSocketData,
  ): Response | undefined;
  /** Closed connections by close code. */
  closeCodes: Map<number, number>;
  /** Subscriptions open over every connection. */
  subscriptions(): number;
}

export function createWebSocketSide(services: Services, log: Logger): WebSocketSide {
  const { limits, metrics } = services;
  /** Each admitted socket's release of its per-process and per-address counts. */
  const admitted = new WeakMap<TrpcSocketData, () => void>();
  const closeCodes = new Map<number, number>();
  const openConnections = new Set<ConnectionState>();
  /** Counted while open (made outside the async context factory: the close listener holds just these two). */
  const track = (connection: ConnectionState, socket: { once(event: "close", listener: () => void): unknown }) => {
    openConnections.add(connection);
    socket.once("close", () => openConnections.delete(connection));
  };
  const ws = createBunWsHandler({
    router: appRouter,
    createContext: async (input) => {
      const ctx = await createWsContext(services, input);
      track(ctx.connection!, input.socket);
      return ctx;
    },
    onError: (error, path, data) => {
      logError(log, error, { path, conn: data.id });
    },
    onClose: (data, code) => {
      admitted.get(data)?.();
      closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
      log.debug({ conn: data.id, code }, "websocket closed");
    },
    stats: metrics.counts,
    maxPayloadLength: MAX_FRAME_BYTES,
    slowConsumerBytes: limits.maxQueuedBytes,
    highWaterBytes: limits.queuedBytesHighWater,
    maxBatchSize: limits.maxBatchSize,
    maxCallsInFlight: limits.maxCallsInFlight,
    idleTimeout: WS_IDLE_TIMEOUT_SECONDS,
  });

  return {
    ws,
    upgrade: (req, server, admission, data) =>
      upgrade({ ws, admitted, log, counts: metrics.counts }, req, server, admission, data),
    closeCodes,
    subscriptions() {
      let n = 0;
      for (const connection of openConnections) n += connection.subscriptions;
      return n;
    },
  };
}

/** An admitted request becomes a socket whose admission is released when it closes; a refused one is answered (with when to retry). */
function upgrade(
  side: { ws: BunWsServer; admitted: WeakMap<TrpcSocketData, () => void>; log: Logger; counts: Counts },
  req: Request,
  server: Server<TrpcSocketData>,
  admission: Admission,
  data: TrpcSocketData,
): Response | undefined {
  if (!admission.ok) {
    side.counts.refusals.connections = (side.counts.refusals.connections ?? 0) + 1;
    return withSecurityHeaders(
      new Response(admission.reason, { status: admission.status, headers: { "retry-after": "5" } }),
      req,
    );
  }
  // Known from the first upgrade on: live events to caught-up subscribers go out through its topic publish.
  side.ws.attach(server);
  if (server.upgrade(req, { data })) {
    side.log.debug({ conn: data.id, ip: data.ip }, "websocket opened");
    side.admitted.set(data, admission.release);
    return undefined;
  }
  admission.release();
  return withSecurityHeaders(new Response("WebSocket upgrade failed.", { status: 400 }), req);
}
