/**
 * The composition root: builds Parlor's services from a config and wires HTTP
 * and WebSocket to them. No module-level state: every call is a separate app,
 * so tests build as many as they need.
 */
import { TRPCError } from "@trpc/server";
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
import { createProfiles } from "./profiles/profiles.ts";
import { createConnectionCaps, type Admission } from "./limits/connection-caps.ts";
import { createMemoryConnectionCounter, createRedisConnectionCounter } from "./limits/connection-counter.ts";
import { createLimiters, type Limiters } from "./limits/limiters.ts";
import { createLimitsRedis } from "./limits/limits-redis.ts";
import type { Semaphore } from "./limits/semaphore.ts";
import type { Config } from "./config.ts";
import { errorIdOf, internalErrorMessage } from "./errors/error-id.ts";
import { addressKey, clientAddress } from "./limits/client-address.ts";
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
import { SessionSockets, SOCKET_SESSIONS_RECHECK_MS } from "./trpc/session-sockets.ts";
import { createIdSource, createLogger, type Logger } from "./ops/log.ts";
import { createMetrics, type Metrics } from "./ops/metrics.ts";
import { createReadiness } from "./ops/health.ts";
import type { RateLimiter } from "./limits/rate-limiter.ts";

/** Frames above this close the socket with 1009. A 4,000-character message is far below it. */
export const MAX_FRAME_BYTES = 64 * 1024;

export interface ParlorApp {
  services: Services;
  fetch(req: Request, server: Server<TrpcSocketData>): Response | undefined | Promise<Response | undefined>;
  websocket: BunWsServer["websocket"];
  /** Open WebSocket connections. */
  connectionCount(): number;
  /** Subscriptions of a room's group written by the topic publish (caught-up subscribers; tests, metrics). */
  liveMembers(group: string): number;
  /** How many connections have closed, by close code (who closed them and why). */
  closeCodes: ReadonlyMap<number, number>;
  log: Logger;
  metrics: Metrics;
  /** From now on /readyz answers 503: a load balancer stops sending traffic before the server stops accepting it. */
  startDraining(): void;
  /** Tells every WebSocket client to reconnect and closes it with 1012 (service restart) at once: what is in flight loses its answer; clients resume where they were. */
  dropConnections(): void;
  /**
   * Graceful shutdown of the WebSockets: tells every client to reconnect and
   * keeps its socket serving for `graceMs` while it moves; then answers every
   * query and mutation in flight (new ones are refused, retryable) and closes it
   * with 1012. Resolves once every socket has closed, `timeoutMs` at most.
   */
  drainConnections(times: { graceMs: number; timeoutMs: number }): Promise<void>;
  close(): Promise<void>;
}

export interface ParlorDeps {
  db?: Db;
  groups?: GroupLayer;
  /** Default: from the config (LOG_LEVEL, LOG_FORMAT) to stdout. */
  log?: Logger;
  /** Hash slots shared with the other workers of this machine (a supervisor's); default: HASH_CONCURRENCY for this process. */
  hashSlots?: Semaphore;
  /** The built browser app to serve; default dist/client. */
  clientDir?: string;
  /** How often every session this process holds sockets for is looked up again; default SOCKET_SESSIONS_RECHECK_MS. */
  socketSessionsRecheckMs?: number;
}

/**
 * Our own failures, logged whole under the id the client was given, with the
 * request's or connection's id. Client mistakes are answered, not logged.
 */
function logError(log: Logger, error: Error, fields: { path?: string | undefined; req?: string | undefined; conn?: string | undefined }) {
  // (Only TRPCErrors are client mistakes: a driver's error with a `code` like ECONNREFUSED is ours.)
  if (error instanceof TRPCError && error.code !== "INTERNAL_SERVER_ERROR") return;
  log.error({ ...fields, errorId: errorIdOf(error), err: error }, `${fields.path ?? "request"} failed`);
}

/** The same limiters, each refusal counted under its name (parlor_refusals_total). */
function counted(metrics: Metrics, limiters: Limiters): Limiters {
  const refusals = metrics.counts.refusals;
  const wrap = (name: string, limiter: RateLimiter): RateLimiter => {
    refusals[name] = 0;
    return {
      ...limiter,
      async take(key) {
        const waitMs = await limiter.take(key);
        if (waitMs > 0) refusals[name]!++;
        return waitMs;
      },
    };
  };
  const wrapped = { ...limiters };
  for (const name of Object.keys(limiters) as (keyof Limiters)[]) wrapped[name] = wrap(name, limiters[name]);
  return wrapped;
}

export async function createParlorApp(config: Config, deps: ParlorDeps = {}): Promise<ParlorApp> {
  const log = deps.log ?? (await createLogger({ level: config.ops.logLevel, pretty: config.ops.logPretty }));
  const metrics = createMetrics({ enabled: config.ops.metricsToken !== undefined });
  const db =
    deps.db ??
    createDb(config.databaseUrl, {
      ...(metrics.enabled ? { onQuery: metrics.observeQuery } : {}),
      // A connection cut under us: calls fail with SERVICE_UNAVAILABLE meanwhile, /readyz says "database".
      onConnectionError: (error) => log.warn({ err: error }, "database connection lost; the next query opens a new one"),
    });
  await migrateToLatest(db);
  // Limits and connection counts live in Redis when there is one: they hold for the deployment.
  // Its connection is made alongside the group layer's, not after it.
  const limitsRedisReady = config.redisUrl ? createLimitsRedis({ url: config.redisUrl, prefix: config.redisPrefix }) : undefined;
  const groups =
    deps.groups ??
    (config.redisUrl
      ? await createRedisGroupLayer({ url: config.redisUrl, prefix: config.redisPrefix, log: (message, error) => log.warn({ err: error }, `redis: ${message}`) })
      : createMemoryGroupLayer());
  const presence = createPresence({ groups, ...config.presence });
  await presence.start();
  const { limits } = config;
  const limitsRedis = await limitsRedisReady;
  const counter = limitsRedis
    ? createRedisConnectionCounter({
        redis: limitsRedis,
        keyPrefix: `${config.redisPrefix}conn:`,
        heartbeatMs: limits.connectionHeartbeatMs,
        ttlMs: limits.connectionTtlMs,
      })
    : createMemoryConnectionCounter();
  const caps = createConnectionCaps({ ...limits, counter });
  const auth = createAuth(db, {
    secureCookies: config.production,
    hashConcurrency: deps.hashSlots ?? limits.hashConcurrency,
    sessionTtlSeconds: config.sessionTtlSeconds,
  });
  const sessionSweep = startSessionSweep({
    purge: () => auth.purgeExpired(),
    intervalMs: sweepIntervalMs(config.sessionTtlSeconds),
    onError: (error) => log.error({ err: error }, "purging expired sessions failed"),
  });
  const control = createControlChannel(groups, log);
  await control.start();
  const sockets = new SessionSockets({ revalidate: (token) => auth.validate(token), standing: (ids) => auth.standing(ids) });
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
  const socketSessionsRecheck = startSessionSweep({
    purge: () => sockets.recheckAll(),
    intervalMs: deps.socketSessionsRecheckMs ?? SOCKET_SESSIONS_RECHECK_MS,
    onError: (error) => log.error({ err: error }, "re-checking sessions failed"),
  });
  // The revocations ask the rooms service after a lag; the rooms service tells the revocations of removals.
  let rooms: ReturnType<typeof createRooms> | undefined;
  const revocations = createRevocations({ control, whyRevoked: (room, userId) => rooms!.whyRevoked(room, userId), log });
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
    profiles: createProfiles({ db, groups }),
    revocations,
    control,
    groups,
    presence,
    sockets,
    limits,
    log,
    metrics,
    limiters: counted(metrics, createLimiters(limits, { redis: limitsRedis, prefix: config.redisPrefix })),
    caps,
  };

  // The client address of each HTTP request, for per-IP limits (Bun knows it; tRPC's context sees only the Request).
  const clientIps = new WeakMap<Request, string>();
  // Every log line about a request or a connection carries its id.
  const requestIds = new WeakMap<Request, string>();
  const nextRequestId = createIdSource("r");
  const nextConnectionId = createIdSource("c");
  /** Each admitted socket's release of its per-process and per-address counts. */
  const admitted = new WeakMap<TrpcSocketData, () => void>();
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

  /** Counted while open (made outside the async context factory: the close listener holds just these two). */
  const track = (connection: ConnectionState, socket: { once(event: "close", listener: () => void): unknown }) => {
    openConnections.add(connection);
    socket.once("close", () => openConnections.delete(connection));
  };

  const http = createHttpApp({
    services,
    allowedOrigins: config.allowedOrigins,
    onError: (error, path, req) => {
      logError(log, error, { path, req: requestIds.get(req) });
    },
    clientIp: (req) => clientIps.get(req) ?? null,
    clientDir: deps.clientDir,
    ops: { readiness, metrics, metricsToken: config.ops.metricsToken },
  });
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
    idleTimeout: 60,
  });

  function upgrade(req: Request, server: Server<TrpcSocketData>, admission: Admission, data: TrpcSocketData): Response | undefined {
    if (!admission.ok) {
      metrics.counts.refusals.connections = (metrics.counts.refusals.connections ?? 0) + 1;
      return withSecurityHeaders(new Response(admission.reason, { status: admission.status, headers: { "retry-after": "5" } }), req);
    }
    // Known from the first upgrade on: live events to caught-up subscribers go out through its topic publish.
    ws.attach(server);
    if (server.upgrade(req, { data })) {
      log.debug({ conn: data.id, ip: data.ip }, "websocket opened");
      admitted.set(data, admission.release);
      return undefined;
    }
    admission.release();
    return withSecurityHeaders(new Response("WebSocket upgrade failed.", { status: 400 }), req);
  }

  return {
    services,
    websocket: ws.websocket,
    connectionCount: ws.connectionCount,
    liveMembers: ws.liveMembers,
    closeCodes,
    log,
    metrics,
    startDraining: readiness.startDraining,
    dropConnections: () => ws.closeAll(1012, "Server restarting"),
    drainConnections: (times) => ws.drainAll(1012, "Server restarting", times),
    fetch(req, server) {
      // Through trusted proxies only (TRUST_PROXY); the socket's peer otherwise.
      const ip = clientAddress(server.requestIP(req)?.address ?? "unknown", req.headers, config.clientAddress);
      const url = new URL(req.url);
      if (url.pathname === "/trpc" && req.headers.get("upgrade")?.toLowerCase() === "websocket") {
        const cookie = req.headers.get("cookie");
        const verdict = checkUpgradeOrigin(req, {
          allowed: config.allowedOrigins,
          carriesSessionCookie: auth.tokenFromHeaders({ cookie }) !== null,
        });
        if (!verdict.ok) return withSecurityHeaders(new Response(verdict.reason, { status: 403 }), req);
        return caps.admit(addressKey(ip)).then(
          (admission) => upgrade(req, server, admission, { url: url.pathname + url.search, cookie, ip, id: nextConnectionId() }),
          (error: Error) => {
            logError(log, error, { path: "upgrade" });
            return withSecurityHeaders(Response.json({ error: internalErrorMessage(error) }, { status: 500 }), req);
          },
        );
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
      await socketSessionsRecheck.stop();
      control.close();
      await presence.close();
      await counter.close();
      limitsRedis?.disconnect();
      await groups.close();
      await db.destroy();
    },
  };
}
