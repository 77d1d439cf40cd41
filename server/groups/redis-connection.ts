/**
 * The Redis connections of one process: how they are opened (one protocol, one
 * reconnect schedule), how start-up waits for them, and how an outage is told
 * (one line per outage, a count of reconnections for metrics). Shared by the
 * group layer's pub/sub pair and the connection for shared limits.
 */
import type Redis from "ioredis";
import type { RedisOptions } from "ioredis";
import { REDIS_RETRY } from "../limits/defaults.ts";

export type RedisLog = (message: string, error?: unknown) => void;

/** Reconnect quickly after a blip, then back off to once every 2 s, with jitter (REDIS_RETRY). */
export const redisRetryStrategy = (attempt: number) =>
  Math.min(REDIS_RETRY.firstMs * 2 ** attempt, REDIS_RETRY.maxMs) + Math.floor(Math.random() * REDIS_RETRY.jitterMs);

/** What every Parlor connection to Redis is opened with. */
export const COMMON_REDIS_OPTIONS: RedisOptions = {
  // RESP2: the protocol ioredis's pub/sub has run on for years; Redis 7.0 speaks both.
  protocol: 2,
  // CLIENT SETINFO needs Redis 7.2.
  disableClientInfo: true,
  retryStrategy: redisRetryStrategy,
  // What was in flight on a dropped connection fails at once; the caller recovers by itself.
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
};

export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

/**
 * Resolves once every connection is ready, or as soon as one of them fails (Redis down:
 * the attempt is refused at once), or after `timeoutMs` (a Redis that does not answer at all).
 */
export async function firstAnswer(connections: Redis[], timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listeners: (() => void)[] = [];
  const settled = (connection: Redis, event: "ready" | "error" | "end") =>
    new Promise<void>((resolve) => {
      const done = () => resolve();
      connection.once(event, done);
      listeners.push(() => connection.off(event, done));
    });
  await Promise.race([
    Promise.all(connections.map((c) => settled(c, "ready"))),
    ...connections.flatMap((c) => [settled(c, "error"), settled(c, "end")]),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
  for (const off of listeners) off();
}

/** Whether a set of connections is in an outage, and how often they came back. */
export interface ConnectionHealth {
  /** An outage was logged and has not been declared over (`recovered`) yet. */
  down: boolean;
  /** Connections re-established after a loss: every "ready" after a connection's first. */
  reconnects: number;
}

/**
 * Watches `connections` for outages: one log line per outage, not one per reconnect
 * attempt. A server that shuts down cleanly closes the connection without an
 * error: that is an outage too. Whoever recovers from the outage sets `down` back.
 */
export function watchConnectionHealth(
  connections: readonly (readonly [role: string, connection: Redis])[],
  log: RedisLog,
  isClosed: () => boolean,
): ConnectionHealth {
  const health: ConnectionHealth = { down: false, reconnects: 0 };
  for (const [role, connection] of connections) {
    const outage = (error?: unknown) => {
      if (health.down || isClosed()) return;
      health.down = true;
      log(`${role} connection lost; reconnecting`, error);
    };
    connection.on("error", outage);
    connection.on("close", () => outage());
    let readyBefore = false;
    connection.on("ready", () => {
      if (readyBefore) health.reconnects++;
      readyBefore = true;
    });
  }
  return health;
}
