/**
 * The composition root: builds Parlor's services from a config and wires HTTP
 * and WebSocket to them. No module-level state: every call is a separate app,
 * so tests build as many as they need.
 */
import type { Server } from "bun";
import { createDb, type Db } from "../db/index.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { createAuth } from "./auth/auth.ts";
import { startSessionSweep, sweepIntervalMs } from "./auth/session-sweep.ts";
import { createRoomLog } from "./chat/room-log.ts";
import { createControlChannel } from "./groups/control-channel.ts";
import { createRevocations } from "./rooms/revocations.ts";
import { createRooms } from "./rooms/rooms.ts";
import { createUnread } from "./unread/unread.ts";
import { createConnectionCaps } from "./limits/connection-caps.ts";
import { createRateLimiter } from "./limits/rate-limiter.ts";
import type { Config } from "./config.ts";
import type { GroupLayer } from "./groups/group-layer.ts";
import { createMemoryGroupLayer } from "./groups/memory.ts";
import { createRedisGroupLayer } from "./groups/redis.ts";
import { createHttpApp } from "./http/http-app.ts";
import { createPresence } from "./presence/presence.ts";
import { checkUpgradeOrigin } from "./http/origin.ts";
import { withSecurityHeaders } from "./http/security-headers.ts";
import { type BunWsServer, createBunWsHandler, type TrpcSocketData } from "./trpc/bun-ws-adapter.ts";
import { type ConnectionState, createWsContext, type Services } from "./trpc/context.ts";
import { appRouter } from "./trpc/router.ts";
import { SessionSockets } from "./trpc/session-sockets.ts";
import { createIdSource, createLogger, type Logger } from "./ops/log.ts";
import { createMetrics, type Metrics } from "./ops/metrics.ts";
import { createReadiness } from "./ops/health.ts";
import type { RateLimiter } from "./limits/rate-limiter.ts";

/** Frames above this close the socket with 1009. A 4,000-character message is far below it. */
export const MAX_FRAME_BYTES = 64 * 1024;

export interface ParlorApp {
  services: Services;
  fetch(req: Request, server: Server<TrpcSocketData>): Response | Promise<Response> | undefined;
  websocket: BunWsServer["websocket"];
  /** Open WebSocket connections. */
  connectionCount(): number;
  /** How many connections have closed, by close code (who closed them and why). */
  closeCodes: ReadonlyMap<number, number>;
  log: Logger;
  metrics: Metrics;
  /** From now on /readyz answers 503: a load balancer stops sending traffic before the server stops accepting it. */
  startDraining(): void;
  /** Tells every WebSocket client to reconnect, then closes it with 1012 (service restart): clients resume where they were. */
  dropConnections(): void;
  close(): Promise<void>;
}

export interface ParlorDeps {
  db?: Db;
  groups?: GroupLayer;
  /** Default: from the config (LOG_LEVEL, LOG_FORMAT) to stdout. */
  log?: Logger;
  /** The built browser app to serve; default dist/client. */
  clientDir?: string;
}

/** Client mistakes are answered, not logged; only our own failures are. */
const isOurFailure = (error: Error) => !("code" in error) || error.code === "INTERNAL_SERVER_ERROR";

/** Counts the limiter's refusals under `name` (parlor_refusals_total). */
function counted(metrics: Metrics, name: string, limiter: RateLimiter): RateLimiter {
  const refusals = metrics.counts.refusals;
  refusals[name] = 0;
  return {
    ...limiter,
    take(key) {
      const waitMs = limiter.take(key);
      if (waitMs > 0) refusals[name]!++;
      return waitMs;
    },
  };
}

export async function createParlorApp(config: Config, deps: ParlorDeps = {}): Promise<ParlorApp> {
  const log = deps.log ?? (await createLogger({ level: config.ops.logLevel, pretty: config.ops.logPretty }));
  const metrics = createMetrics({ enabled: config.ops.metricsToken !== undefined });
  const db = deps.db ?? createDb(config.databaseUrl, metrics.enabled ? { onQuery: metrics.observeQuery } : {});
  await migrateToLatest(db);
  const groups =
    deps.groups ??
    (config.redisUrl
      ? await createRedisGroupLayer({ url: config.redisUrl, prefix: config.redisPrefix, log: (message, error) => log.warn({ err: error }, `redis: ${message}`) })
      : createMemoryGroupLayer());
  const presence = createPresence({ groups, ...config.presence });
  await presence.start();
  const { limits } = config;
  const auth = createAuth(db, {
    secureCookies: config.production,
    hashConcurrency: limits.hashConcurrency,
    sessionTtlSeconds: config.sessionTtlSeconds,
  });
  const sessionSweep = startSessionSweep({
    purge: () => auth.purgeExpired(),
    intervalMs: sweepIntervalMs(config.sessionTtlSeconds),
    onError: (error) => log.error({ err: error }, "purging expired sessions failed"),
  });
  const control = createControlChannel(groups, log);
  await control.start();
  const sockets = new SessionSockets({ revalidate: (token) => auth.validate(token) });
  // A session ended on another process: close its sockets here too.
  control.on("sessions-ended", (event) => {
    for (const id of event.sessions) sockets.closeSessionById(id);
  });
  // The revocations ask the rooms service after a lag; the rooms service tells the revocations of removals.
  let rooms: ReturnType<typeof createRooms> | undefined;
  const revocations = createRevocations({ control, stillAllowed: (room, userId) => rooms!.stillAllowed(room, userId), log });
  rooms = createRooms({ db, groups, revocations, limits: { maxMembersPerRoom: limits.maxMembersPerRoom, privateRoomsPerDay: limits.privateRoomsPerDay }, log, counts: metrics.counts });
  const services: Services = {
    db,
    auth,
    chat: createRoomLog({
      db,
      groups,
      maxMembersPerRoom: limits.maxMembersPerRoom,
      counts: metrics.counts,
      onPublishError: (error, room, seq) => log.error({ err: error, room, seq }, "publish failed; the entry is stored"),
    }),
    rooms,
    unread: createUnread({ db, groups, rooms }),
    revocations,
    control,
    groups,
    presence,
    sockets,
    limits,
    log,
    metrics,
    exposeErrorStacks: config.nodeEnv === "development",
    limiters: {
      send: counted(metrics, "send", createRateLimiter(limits.send)),
      loginPerUsername: counted(metrics, "login_per_username", createRateLimiter(limits.loginPerUsername)),
      loginPerIp: counted(metrics, "login_per_ip", createRateLimiter(limits.loginPerIp)),
      // Clients send a typing signal every few seconds while typing; more is noise.
      typing: counted(metrics, "typing", createRateLimiter({ burst: 5, perSecond: 1 })),
      invite: counted(metrics, "invite", createRateLimiter(limits.invites)),
    },
  };

  // The client address of each HTTP request, for per-IP limits (Bun knows it; tRPC's context sees only the Request).
  const clientIps = new WeakMap<Request, string>();
  // Every log line about a request or a connection carries its id.
  const requestIds = new WeakMap<Request, string>();
  const nextRequestId = createIdSource("r");
  const nextConnectionId = createIdSource("c");
  const caps = createConnectionCaps(limits);
  const closeCodes = new Map<number, number>();
  const openConnections = new Set<ConnectionState>();
  const readiness = createReadiness({ db, groups });
  metrics.bind({
    openSockets: () => ws.connectionCount(),
    subscriptions: () => {
      let n = 0;
      for (const connection of openConnections) n += connection.subscriptions;
      return n;
    },
    closeCodes,
    redis: groups.status && (() => groups.status!()),
  });

  const http = createHttpApp({
    services,
    allowedOrigins: config.allowedOrigins,
    onError: (error, path, req) => {
      if (isOurFailure(error)) log.error({ req: requestIds.get(req), path, err: error }, "request failed");
    },
    clientIp: (req) => clientIps.get(req) ?? null,
    clientDir: deps.clientDir,
    ops: { readiness, metrics, metricsToken: config.ops.metricsToken },
  });
  const ws = createBunWsHandler({
    router: appRouter,
    createContext: async (input) => {
      const ctx = await createWsContext(services, input);
      const connection = ctx.connection!;
      openConnections.add(connection);
      input.socket.once("close", () => openConnections.delete(connection));
      return ctx;
    },
    onError: (error, path, data) => {
      if (isOurFailure(error)) log.error({ conn: data.id, path, err: error }, "call failed");
    },
    onClose: (data, code) => {
      if (data.ip) caps.release(data.ip);
      closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
      log.debug({ conn: data.id, code }, "websocket closed");
    },
    stats: metrics.counts,
    maxPayloadLength: MAX_FRAME_BYTES,
    slowConsumerBytes: limits.maxQueuedBytes,
    highWaterBytes: limits.queuedBytesHighWater,
    maxBatchSize: limits.maxBatchSize,
    maxCallsInFlight: limits.maxCallsInFlight,
    idleTimeout: 60,
  });

  return {
    services,
    websocket: ws.websocket,
    connectionCount: ws.connectionCount,
    closeCodes,
    log,
    metrics,
    startDraining: readiness.startDraining,
    dropConnections: () => ws.closeAll(1012, "Server restarting"),
    fetch(req, server) {
      const ip = server.requestIP(req)?.address ?? "unknown";
      const url = new URL(req.url);
      if (url.pathname === "/trpc" && req.headers.get("upgrade")?.toLowerCase() === "websocket") {
        const cookie = req.headers.get("cookie");
        const verdict = checkUpgradeOrigin(req, {
          allowed: config.allowedOrigins,
          carriesSessionCookie: auth.tokenFromHeaders({ cookie }) !== null,
        });
        if (!verdict.ok) return withSecurityHeaders(new Response(verdict.reason, { status: 403 }), req);
        const admission = caps.admit(ip);
        if (!admission.ok) {
          metrics.counts.refusals.connections = (metrics.counts.refusals.connections ?? 0) + 1;
          return withSecurityHeaders(new Response(admission.reason, { status: admission.status, headers: { "retry-after": "5" } }), req);
        }
        const data: TrpcSocketData = { url: url.pathname + url.search, cookie, ip, id: nextConnectionId() };
        log.debug({ conn: data.id, ip }, "websocket opened");
        if (server.upgrade(req, { data })) return undefined;
        caps.release(ip);
        return withSecurityHeaders(new Response("WebSocket upgrade failed.", { status: 400 }), req);
      }
      clientIps.set(req, ip);
      const id = nextRequestId();
      requestIds.set(req, id);
      // Every HTTP answer, whichever route (or error) made it, leaves with the same security headers.
      if (!log.isLevelEnabled("debug")) return http.handle(req).then((res) => withSecurityHeaders(res, req));
      // The access log: debug only, and never the query string (tRPC inputs travel there).
      const started = performance.now();
      return http.handle(req).then((res) => {
        log.debug({ req: id, method: req.method, path: url.pathname, status: res.status, ms: Math.round(performance.now() - started) }, "request");
        return withSecurityHeaders(res, req);
      });
    },
    async close() {
      await sessionSweep.stop();
      control.close();
      await presence.close();
      await groups.close();
      await db.destroy();
    },
  };
}
