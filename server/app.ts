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
import { createConnectionCaps, type Admission } from "./limits/connection-caps.ts";
import { createMemoryConnectionCounter, createRedisConnectionCounter } from "./limits/connection-counter.ts";
import { createLimiters } from "./limits/limiters.ts";
import { createLimitsRedis } from "./limits/limits-redis.ts";
import type { Semaphore } from "./limits/semaphore.ts";
import type { Config } from "./config.ts";
import { errorIdOf, internalErrorMessage } from "./errors/error-id.ts";
import { addressKey, clientAddress } from "./http/client-address.ts";
import type { GroupLayer } from "./groups/group-layer.ts";
import { createMemoryGroupLayer } from "./groups/memory.ts";
import { createRedisGroupLayer } from "./groups/redis.ts";
import { createHttpApp } from "./http/http-app.ts";
import { createPresence } from "./presence/presence.ts";
import { checkUpgradeOrigin } from "./http/origin.ts";
import { withSecurityHeaders } from "./http/security-headers.ts";
import { type BunWsServer, createBunWsHandler, type TrpcSocketData } from "./trpc/bun-ws-adapter.ts";
import { createWsContext, type Services } from "./trpc/context.ts";
import { appRouter } from "./trpc/router.ts";
import { SessionSockets } from "./trpc/session-sockets.ts";

/** Frames above this close the socket with 1009. A 4,000-character message is far below it. */
export const MAX_FRAME_BYTES = 64 * 1024;

export interface ParlorApp {
  services: Services;
  fetch(req: Request, server: Server<TrpcSocketData>): Response | undefined | Promise<Response | undefined>;
  websocket: BunWsServer["websocket"];
  /** Open WebSocket connections. */
  connectionCount(): number;
  /** How many connections have closed, by close code (who closed them and why). */
  closeCodes: ReadonlyMap<number, number>;
  /** Tells every WebSocket client to reconnect, then closes it with 1012 (service restart): clients resume where they were. */
  dropConnections(): void;
  close(): Promise<void>;
}

export interface ParlorDeps {
  db?: Db;
  groups?: GroupLayer;
  /** Hash slots shared with the other workers of this machine (a supervisor's); default: HASH_CONCURRENCY for this process. */
  hashSlots?: Semaphore;
  /** The built browser app to serve; default dist/client. */
  clientDir?: string;
}

/** Our own failures, logged whole under the id the client was given. Client mistakes are answered, not logged. */
function logError(error: Error, path: string | undefined) {
  // (Only TRPCErrors are client mistakes: a driver's error with a `code` like ECONNREFUSED is ours.)
  if (error instanceof TRPCError && error.code !== "INTERNAL_SERVER_ERROR") return;
  console.error(`[parlor] ${path ?? "request"} failed (error id ${errorIdOf(error)}):`, error);
}

export async function createParlorApp(config: Config, deps: ParlorDeps = {}): Promise<ParlorApp> {
  const db = deps.db ?? createDb(config.databaseUrl);
  await migrateToLatest(db);
  const groups =
    deps.groups ??
    (config.redisUrl ? await createRedisGroupLayer({ url: config.redisUrl, prefix: config.redisPrefix }) : createMemoryGroupLayer());
  const presence = createPresence({ groups, ...config.presence });
  await presence.start();
  const { limits } = config;
  // Limits and connection counts live in Redis when there is one: they hold for the deployment.
  const limitsRedis = config.redisUrl ? await createLimitsRedis({ url: config.redisUrl, prefix: config.redisPrefix }) : undefined;
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
    onError: (error) => console.error("[parlor] purging expired sessions failed:", error),
  });
  const control = createControlChannel(groups);
  await control.start();
  const sockets = new SessionSockets({ revalidate: (token) => auth.validate(token) });
  // A session ended on another process: close its sockets here too.
  control.on("sessions-ended", (event) => {
    for (const id of event.sessions) sockets.closeSessionById(id);
  });
  // The revocations ask the rooms service after a lag; the rooms service tells the revocations of removals.
  let rooms: ReturnType<typeof createRooms> | undefined;
  const revocations = createRevocations({ control, stillAllowed: (room, userId) => rooms!.stillAllowed(room, userId) });
  rooms = createRooms({ db, groups, revocations, limits: { maxMembersPerRoom: limits.maxMembersPerRoom, privateRoomsPerDay: limits.privateRoomsPerDay } });
  const services: Services = {
    db,
    auth,
    chat: createRoomLog({ db, groups, maxMembersPerRoom: limits.maxMembersPerRoom }),
    rooms,
    unread: createUnread({ db, groups, rooms }),
    revocations,
    control,
    groups,
    presence,
    sockets,
    limits,
    limiters: createLimiters(limits, { redis: limitsRedis, prefix: config.redisPrefix }),
    caps,
  };

  // The client address of each HTTP request, for per-IP limits (Bun knows it; tRPC's context sees only the Request).
  const clientIps = new WeakMap<Request, string>();
  /** Each admitted socket's release of its per-process and per-address counts. */
  const admitted = new WeakMap<TrpcSocketData, () => void>();
  const closeCodes = new Map<number, number>();

  const http = createHttpApp({
    services,
    allowedOrigins: config.allowedOrigins,
    onError: logError,
    clientIp: (req) => clientIps.get(req) ?? null,
    clientDir: deps.clientDir,
  });
  const ws = createBunWsHandler({
    router: appRouter,
    createContext: (input) => createWsContext(services, input),
    onError: logError,
    onClose: (data, code) => {
      admitted.get(data)?.();
      closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
    },
    maxPayloadLength: MAX_FRAME_BYTES,
    slowConsumerBytes: limits.maxQueuedBytes,
    highWaterBytes: limits.queuedBytesHighWater,
    maxBatchSize: limits.maxBatchSize,
    maxCallsInFlight: limits.maxCallsInFlight,
    idleTimeout: 60,
  });

  function upgrade(req: Request, server: Server<TrpcSocketData>, admission: Admission, data: TrpcSocketData): Response | undefined {
    if (!admission.ok) return withSecurityHeaders(new Response(admission.reason, { status: admission.status, headers: { "retry-after": "5" } }), req);
    if (server.upgrade(req, { data })) {
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
    closeCodes,
    dropConnections: () => ws.closeAll(1012, "Server restarting"),
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
          (admission) => upgrade(req, server, admission, { url: url.pathname + url.search, cookie, ip }),
          (error: Error) => {
            logError(error, "upgrade");
            return withSecurityHeaders(Response.json({ error: internalErrorMessage(error) }, { status: 500 }), req);
          },
        );
      }
      clientIps.set(req, ip);
      // Every HTTP answer, whichever route (or error) made it, leaves with the same security headers.
      return http.handle(req).then((res) => withSecurityHeaders(res, req));
    },
    async close() {
      await sessionSweep.stop();
      control.close();
      await presence.close();
      await counter.close();
      limitsRedis?.disconnect();
      await groups.close();
      await db.destroy();
    },
  };
}
