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
import { createWsContext, type Services } from "./trpc/context.ts";
import { appRouter } from "./trpc/router.ts";
import { SessionSockets } from "./trpc/session-sockets.ts";

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
  /** Tells every WebSocket client to reconnect, then closes it with 1012 (service restart): clients resume where they were. */
  dropConnections(): void;
  close(): Promise<void>;
}

export interface ParlorDeps {
  db?: Db;
  groups?: GroupLayer;
  /** The built browser app to serve; default dist/client. */
  clientDir?: string;
}

function logError(error: Error, path: string | undefined) {
  // Client mistakes are answered, not logged; only our own failures are.
  if ("code" in error && error.code !== "INTERNAL_SERVER_ERROR") return;
  console.error(`[parlor] ${path ?? "request"} failed:`, error);
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
  const auth = createAuth(db, {
    secureCookies: config.production,
    hashConcurrency: limits.hashConcurrency,
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
    exposeErrorStacks: config.nodeEnv === "development",
    limiters: {
      send: createRateLimiter(limits.send),
      loginPerUsername: createRateLimiter(limits.loginPerUsername),
      loginPerIp: createRateLimiter(limits.loginPerIp),
      // Clients send a typing signal every few seconds while typing; more is noise.
      typing: createRateLimiter({ burst: 5, perSecond: 1 }),
      invite: createRateLimiter(limits.invites),
    },
  };

  // The client address of each HTTP request, for per-IP limits (Bun knows it; tRPC's context sees only the Request).
  const clientIps = new WeakMap<Request, string>();
  const caps = createConnectionCaps(limits);
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
      if (data.ip) caps.release(data.ip);
      closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
    },
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
        if (!admission.ok) return withSecurityHeaders(new Response(admission.reason, { status: admission.status, headers: { "retry-after": "5" } }), req);
        const data: TrpcSocketData = { url: url.pathname + url.search, cookie, ip };
        if (server.upgrade(req, { data })) return undefined;
        caps.release(ip);
        return withSecurityHeaders(new Response("WebSocket upgrade failed.", { status: 400 }), req);
      }
      clientIps.set(req, ip);
      // Every HTTP answer, whichever route (or error) made it, leaves with the same security headers.
      return http.handle(req).then((res) => withSecurityHeaders(res, req));
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
