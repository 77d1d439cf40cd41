/**
 * Parlor's services, built from a config in the order they need each other —
 * storage, the group layer, limits, sessions, then the domain (revocations,
 * rooms, the room log, unread) — and closed in the reverse order.
 */
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { createAuth } from "../auth/index.ts";
import { createRoomLog } from "../chat/room-log.ts";
import type { Config } from "../config.ts";
import type { Files } from "../files/files.ts";
import { createFilesFromConfig } from "../files/from-config.ts";
import { type ControlChannel, createControlChannel } from "../groups/control-channel.ts";
import type { GroupLayer } from "../groups/group-layer.ts";
import { createMemoryGroupLayer } from "../groups/memory.ts";
import { createRedisGroupLayer } from "../groups/redis.ts";
import { createConnectionCaps } from "../limits/connection-caps.ts";
import {
  type ConnectionCounter,
  createMemoryConnectionCounter,
  createRedisConnectionCounter,
} from "../limits/connection-counter.ts";
import { UPLOAD_PURGE_INTERVAL_MS } from "../limits/defaults.ts";
import { createLimiters, type Limiters } from "../limits/limiters.ts";
import { createLimitsRedis } from "../limits/limits-redis.ts";
import type { RateLimiter } from "../limits/rate-limiter.ts";
import type { Logger } from "../ops/log.ts";
import type { Metrics } from "../ops/metrics.ts";
import { createPresence } from "../presence/presence.ts";
import { createProfiles } from "../profiles/profiles.ts";
import { canSee } from "../rooms/access.ts";
import { createRevocations } from "../rooms/revocations.ts";
import { createRooms } from "../rooms/rooms.ts";
import { readAccess, whyRevoked } from "../rooms/why-revoked.ts";
import { startSessionSweep } from "../sessions/session-sweep.ts";
import { createSessions } from "../sessions/sessions.ts";
import type { Services } from "../trpc/context.ts";
import { createUnread } from "../unread/unread.ts";
import type { ParlorDeps } from "./types.ts";

type LimitsRedis = Awaited<ReturnType<typeof createLimitsRedis>>;

export interface BuiltServices {
  services: Services;
  /** Stops the timers and closes every connection the services opened (the database last). */
  close(): Promise<void>;
}

export async function buildServices(
  config: Config,
  deps: ParlorDeps,
  { log, metrics }: { log: Logger; metrics: Metrics },
): Promise<BuiltServices> {
  const db = deps.db ?? openDb(config, log, metrics);
  await migrateToLatest(db);
  // Limits and connection counts live in Redis when there is one: they hold for the deployment.
  // Its connection is made alongside the group layer's, not after it.
  const limitsRedisReady = config.redisUrl
    ? createLimitsRedis({ url: config.redisUrl, prefix: config.redisPrefix })
    : undefined;
  const groups = deps.groups ?? (await openGroups(config, log));
  const presence = createPresence({ groups, ...config.presence });
  await presence.start();
  const limitsRedis = await limitsRedisReady;
  const counter = openConnectionCounter(config, limitsRedis);
  const auth = createAuth(db, {
    secureCookies: config.production,
    hashConcurrency: deps.hashSlots ?? config.limits.hashConcurrency,
    sessionTtlSeconds: config.sessionTtlSeconds,
  });
  const control = createControlChannel(groups, log);
  await control.start();
  const sessions = createSessions({
    auth,
    control,
    log,
    sessionTtlSeconds: config.sessionTtlSeconds,
    recheckMs: deps.socketSessionsRecheckMs,
  });
  // A file is read by whoever may read its message's room: the access seam's one query, at each request.
  const files = createFilesFromConfig(config.files, {
    db,
    mayRead: async (room, user) => canSee(await readAccess(db, room, user)),
    log,
  });
  const filesPurge = startSessionSweep({
    purge: () => files.purge(),
    intervalMs: UPLOAD_PURGE_INTERVAL_MS,
    onError: (error) => log.error({ err: error }, "purging unreadable uploads failed"),
  });
  const services: Services = {
    db,
    auth,
    files,
    profiles: createProfiles({ db, groups, files }),
    ...buildDomain({ db, groups, control, limits: config.limits, log, metrics, files }),
    groups,
    presence,
    sessions,
    limits: config.limits,
    log,
    metrics,
    limiters: counted(metrics, createLimiters(config.limits, { redis: limitsRedis, prefix: config.redisPrefix })),
    caps: createConnectionCaps({ ...config.limits, counter }),
  };
  return {
    services,
    async close() {
      await sessions.close();
      await filesPurge.stop();
      control.close();
      await presence.close();
      await counter.close();
      limitsRedis?.disconnect();
      await groups.close();
      await services.chat.close();
      await db.destroy();
    },
  };
}

function openDb(config: Config, log: Logger, metrics: Metrics): Db {
  return createDb(config.databaseUrl, {
    ...(metrics.enabled ? { onQuery: metrics.observeQuery } : {}),
    // A connection cut under us: calls fail with SERVICE_UNAVAILABLE meanwhile, /readyz says "database".
    onConnectionError: (error) => log.warn({ err: error }, "database connection lost; the next query opens a new one"),
  });
}

async function openGroups(config: Config, log: Logger): Promise<GroupLayer> {
  if (!config.redisUrl) return createMemoryGroupLayer();
  return createRedisGroupLayer({
    url: config.redisUrl,
    prefix: config.redisPrefix,
    eventKey: config.redisEventKey,
    log: (message, error) => log.warn({ err: error }, `redis: ${message}`),
  });
}

/** Open connections per user and per address: counted for the deployment in Redis when there is one. */
function openConnectionCounter(config: Config, limitsRedis: LimitsRedis | undefined): ConnectionCounter {
  if (!limitsRedis) return createMemoryConnectionCounter();
  return createRedisConnectionCounter({
    redis: limitsRedis,
    keyPrefix: `${config.redisPrefix}conn:`,
    heartbeatMs: config.limits.connectionHeartbeatMs,
    ttlMs: config.limits.connectionTtlMs,
  });
}

/** The chat itself: who may read and post where (revocations, rooms), the room log, unread counts. */
function buildDomain(opts: {
  db: Db;
  groups: GroupLayer;
  control: ControlChannel;
  limits: Config["limits"];
  log: Logger;
  metrics: Metrics;
  files: Files;
}) {
  const { db, groups, control, limits, log, metrics, files } = opts;
  // After a lag the revocations ask the database (not the rooms service, which tells them of removals).
  const revocations = createRevocations({ control, whyRevoked: (room, userId) => whyRevoked(db, room, userId), log });
  const chat = createRoomLog({
    db,
    groups,
    maxMembersPerRoom: limits.maxMembersPerRoom,
    counts: metrics.counts,
    onPublishError: (error, room, seq) => log.error({ err: error, room, seq }, "publish failed; the entry is stored"),
    onIndexError: (error) => log.error({ err: error }, "indexing messages for search failed; the next run tries again"),
    // The purge retries what fails here.
    onMessageDeleted: (room, seq) =>
      files
        .discardMessage(room, seq)
        .catch((error) => log.error({ err: error, room, seq }, "removing a deleted message's files failed")),
  });
  const rooms = createRooms({
    db,
    groups,
    revocations,
    limits: { maxMembersPerRoom: limits.maxMembersPerRoom, privateRoomsPerDay: limits.privateRoomsPerDay },
    log,
    publish: chat.publish,
  });
  return { revocations, rooms, chat, unread: createUnread({ db, groups, rooms, confirm: chat.confirm }) };
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
