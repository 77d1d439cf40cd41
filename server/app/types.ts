/** What the composition root (server/app.ts) makes, and what a caller may hand it instead of building it. */
import type { Server } from "bun";
import type { Db } from "../../db/index.ts";
import type { GroupLayer } from "../groups/group-layer.ts";
import type { Semaphore } from "../limits/semaphore.ts";
import type { Logger } from "../ops/log.ts";
import type { Metrics } from "../ops/metrics.ts";
import type { BunWsServer, TrpcSocketData } from "../trpc/bun-ws-adapter.ts";
import type { Services } from "../trpc/context.ts";

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
  /** How often every session this process holds sockets for is looked up again; default SOCKET_SESSIONS_RECHECK_MS (server/sessions/). */
  socketSessionsRecheckMs?: number;
}
