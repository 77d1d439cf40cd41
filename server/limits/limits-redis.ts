/**
 * The Redis connection that shared limits and connection counts use: one per
 * process, apart from the group layer's pub/sub pair. It fails fast rather
 * than queue: a limit Redis cannot answer within `commandTimeoutMs` is counted
 * in this process instead (see rate-limiter.ts, connection-counter.ts), so a
 * Redis outage slows nothing down.
 */
import Redis from "ioredis";
import { COMMON_REDIS_OPTIONS, firstAnswer } from "../groups/redis-connection.ts";
import { REDIS_COMMAND_TIMEOUT_MS, REDIS_CONNECT_TIMEOUT_MS } from "./defaults.ts";

/** Connects, waiting for Redis's first answer (ready, or refused) or up to `connectTimeoutMs`; until it is ready, limits count per process. */
export async function createLimitsRedis(options: {
  url: string;
  prefix: string;
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  log?: (message: string, error?: unknown) => void;
}): Promise<Redis> {
  const log = options.log ?? ((message, error) => console.error(`[parlor] limits redis: ${message}`, error ?? ""));
  const redis = new Redis(options.url, {
    ...COMMON_REDIS_OPTIONS,
    connectionName: `${options.prefix}limits:${process.pid}`,
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS,
  });
  let down = false;
  redis.on("error", (error) => {
    if (!down) log("connection lost; limits count per process until it is back", error);
    down = true;
  });
  redis.on("ready", () => {
    if (down) log("reconnected; limits count across processes again");
    down = false;
  });
  // Never waits for a Redis that is down: until it answers, the limits count per process.
  await firstAnswer([redis], options.connectTimeoutMs ?? REDIS_CONNECT_TIMEOUT_MS);
  return redis;
}
