/**
 * Every request's way in: a WebSocket upgrade at /trpc (after the Origin rule and
 * the connection caps) goes to the WebSocket side; everything else to Elysia
 * (server/http/), each answer with the security headers. Each request gets an id
 * and its client address (through trusted proxies only) for logs and per-address limits.
 */
import type { Server } from "bun";
import type { Config } from "../config.ts";
import { internalErrorMessage } from "../errors/error-id.ts";
import { createHttpApp } from "../http/http-app.ts";
import { checkUpgradeOrigin } from "../http/origin.ts";
import { withSecurityHeaders } from "../http/security-headers.ts";
import { addressKey, clientAddress } from "../limits/client-address.ts";
import type { ReadinessCheck } from "../ops/health.ts";
import { createIdSource, type Logger } from "../ops/log.ts";
import type { TrpcSocketData } from "../trpc/bun-ws-adapter.ts";
import type { Services } from "../trpc/context.ts";
import { logError } from "./log-error.ts";
import type { ParlorApp } from "./types.ts";
import type { WebSocketSide } from "./websocket.ts";

export interface FrontDoorOptions {
  config: Config;
  services: Services;
  log: Logger;
  readiness: ReadinessCheck;
  sockets: WebSocketSide;
  clientDir: string | undefined;
}

export function createFrontDoor({
  config,
  services,
  log,
  readiness,
  sockets,
  clientDir,
}: FrontDoorOptions): ParlorApp["fetch"] {
  // The client address of each HTTP request, for per-IP limits (Bun knows it; tRPC's context sees only the Request).
  const clientIps = new WeakMap<Request, string>();
  // Every log line about a request or a connection carries its id.
  const requestIds = new WeakMap<Request, string>();
  const nextRequestId = createIdSource("r");
  const nextConnectionId = createIdSource("c");
  const http = createHttpApp({
    services,
    allowedOrigins: config.allowedOrigins,
    onError: (error, path, req) => {
      logError(log, error, { path, req: requestIds.get(req) });
    },
    clientIp: (req) => clientIps.get(req) ?? null,
    clientDir,
    ops: { readiness, metrics: services.metrics, metricsToken: config.ops.metricsToken },
    maxRequestBodyBytes: config.limits.maxRequestBodyBytes,
    maxUploadBytes: config.files.maxUploadBytes,
  });

  const door: Door = { config, services, log, sockets, nextConnectionId };
  return function fetch(req, server) {
    // Through trusted proxies only (TRUST_PROXY); the socket's peer otherwise.
    const ip = clientAddress(server.requestIP(req)?.address ?? "unknown", req.headers, config.clientAddress);
    const url = new URL(req.url);
    if (url.pathname === "/trpc" && req.headers.get("upgrade")?.toLowerCase() === "websocket")
      return upgrade(door, req, server, url, ip);
    const id = nextRequestId();
    const started = performance.now();
    const answered = (res: Response) => {
      // The access log: debug only, and never the query string (tRPC inputs travel there).
      if (log.isLevelEnabled("debug")) {
        const ms = Math.round(performance.now() - started);
        log.debug({ req: id, method: req.method, path: url.pathname, status: res.status, ms }, "request");
      }
      // Every HTTP answer, whichever route (or error) made it, leaves with the same security headers.
      return withSecurityHeaders(res, req);
    };
    // The body's size is checked against the path's limit before anything reads it.
    return http.admit(req).then((admitted) => {
      if (admitted instanceof Response) return answered(admitted);
      clientIps.set(admitted, ip);
      requestIds.set(admitted, id);
      return http.handle(admitted).then(answered);
    });
  };
}

/** What a WebSocket upgrade needs of the front door. */
interface Door {
  config: Config;
  services: Services;
  log: Logger;
  sockets: WebSocketSide;
  nextConnectionId: () => string;
}

/** The Origin rule, then the connection caps for the client's address, then the upgrade. */
function upgrade(
  { config, services, log, sockets, nextConnectionId }: Door,
  req: Request,
  server: Server<TrpcSocketData>,
  url: URL,
  ip: string,
): Response | Promise<Response | undefined> {
  const cookie = req.headers.get("cookie");
  const verdict = checkUpgradeOrigin(req, {
    allowed: config.allowedOrigins,
    carriesSessionCookie: services.auth.tokenFromHeaders({ cookie }) !== null,
  });
  if (!verdict.ok) return withSecurityHeaders(new Response(verdict.reason, { status: 403 }), req);
  return services.caps.admit(addressKey(ip)).then(
    (admission) =>
      sockets.upgrade(req, server, admission, { url: url.pathname + url.search, cookie, ip, id: nextConnectionId() }),
    (error: Error) => {
      logError(log, error, { path: "upgrade" });
      return withSecurityHeaders(Response.json({ error: internalErrorMessage(error) }, { status: 500 }), req);
    },
  );
}
