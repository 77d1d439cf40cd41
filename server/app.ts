/**
 * The composition root: builds Parlor's services from a config (app/services.ts)
 * and wires the WebSocket side (app/websocket.ts) and every request's way in
 * (app/front-door.ts) to them. No module-level state: every call is a separate
 * app, so tests build as many as they need.
 */

import { createFrontDoor } from "./app/front-door.ts";
import { buildServices } from "./app/services.ts";
import type { ParlorApp, ParlorDeps } from "./app/types.ts";
import { createWebSocketSide } from "./app/websocket.ts";
import type { Config } from "./config.ts";
import { createReadiness } from "./ops/health.ts";
import { createLogger } from "./ops/log.ts";
import { createMetrics } from "./ops/metrics.ts";

export type { ParlorApp, ParlorDeps };

export async function createParlorApp(config: Config, deps: ParlorDeps = {}): Promise<ParlorApp> {
  const log = deps.log ?? (await createLogger({ level: config.ops.logLevel, pretty: config.ops.logPretty }));
  const metrics = createMetrics({ enabled: config.ops.metricsToken !== undefined });
  const built = await buildServices(config, deps, { log, metrics });
  const { services } = built;
  const { groups } = services;
  const sockets = createWebSocketSide(services, log);
  const { ws } = sockets;
  const readiness = createReadiness({ db: services.db, groups });
  metrics.bind({
    openSockets: () => ws.connectionCount(),
    subscriptions: sockets.subscriptions,
    closeCodes: sockets.closeCodes,
    redis: groups.status && (() => groups.status!()),
  });
  return {
    services,
    fetch: createFrontDoor({ config, services, log, readiness, sockets, clientDir: deps.clientDir }),
    websocket: ws.websocket,
    connectionCount: ws.connectionCount,
    liveMembers: ws.liveMembers,
    closeCodes: sockets.closeCodes,
    log,
    metrics,
    startDraining: readiness.startDraining,
    dropConnections: () => ws.closeAll(1012, "Server restarting"),
    drainConnections: (times) => ws.drainAll(1012, "Server restarting", times),
    close: built.close,
  };
}
