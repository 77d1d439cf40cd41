/**
 * The group layer across processes: Redis pub/sub carries each event once per
 * process, and the in-memory layer fans it out to the local subscribers.
 *
 * One publishing and one subscribing connection per process. Its parts:
 * - redis-connection.ts: opening the connections, waiting for Redis at start-up, telling outages;
 * - redis-subscriptions.ts: which channels are SUBSCRIBEd, and resubscribing them (then a
 *   `Lagged` marker for every local subscriber) after each reconnection;
 * - redis-events.ts: decoding and checking what arrives, which is input like any other;
 * - event-signature.ts: with a key, what this process publishes is signed, and what verifies
 *   is vouched for (`vouches`): taken as this process's own, with no read of the database.
 */
import Redis from "ioredis";
import { REDIS_COMMAND_TIMEOUT_MS, REDIS_CONNECT_TIMEOUT_MS } from "../limits/defaults.ts";
import type { Delivery, GroupLayer, SubscribeOptions } from "./group-layer.ts";
import { createMemoryGroupLayer, type MemoryGroupLayer } from "./memory.ts";
import {
  COMMON_REDIS_OPTIONS,
  firstAnswer,
  type RedisLog,
  redactedUrl,
  watchConnectionHealth,
} from "./redis-connection.ts";
import { createEventCodec, type EventCodec } from "./redis-events.ts";
import { createChannelSubscriptions } from "./redis-subscriptions.ts";

export interface RedisGroupLayerOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Prepended to every channel (and naming the connections), e.g. "parlor:". */
  prefix?: string;
  /** Default queue capacity per local subscriber. */
  capacity?: number;
  /** How long a publish may wait for Redis (also while reconnecting) before it fails. */
  publishTimeoutMs?: number;
  /** How long start-up waits for an answer from Redis (a refusal is one) before going on without it. */
  connectTimeoutMs?: number;
  /** Shared by the deployment's processes (REDIS_EVENT_KEY): signs what is published, vouches for what verifies. */
  eventKey?: string;
  log?: RedisLog;
}

export const DEFAULT_REDIS_PREFIX = "parlor:";

/** The publishing and the subscribing connection, named after the prefix so an operator (or a test) can find this deployment's. */
function openPubSub(url: string, prefix: string, publishTimeoutMs: number): { pub: Redis; sub: Redis } {
  const pub = new Redis(url, {
    ...COMMON_REDIS_OPTIONS,
    connectionName: `${prefix}pub:${process.pid}`,
    // A publish during a reconnect waits for it, but never for long: the message is stored
    // already, and subscribers catch up from the database when their connection returns.
    commandTimeout: publishTimeoutMs,
  });
  const sub = new Redis(url, {
    ...COMMON_REDIS_OPTIONS,
    connectionName: `${prefix}sub:${process.pid}`,
    // Resubscribing is ours (redis-subscriptions.ts): it must be followed by the `Lagged` markers.
    autoResubscribe: false,
    enableOfflineQueue: false,
  });
  return { pub, sub };
}

/** Each message that arrives, decoded and checked (redis-events.ts), to the local subscribers; what is dropped, to the log. */
function deliverMessages(sub: Redis, codec: EventCodec, local: MemoryGroupLayer, log: RedisLog) {
  sub.on("message", (channel: string, payload: string) => {
    const decoded = codec.decode(channel, payload);
    if ("event" in decoded) void local.publish(decoded.group, decoded.event);
    else if (decoded.dropped) log(decoded.dropped, decoded.error);
  });
}

/**
 * Connects, waiting only for Redis's first answer (at most `connectTimeoutMs`): a Redis
 * that is down refuses at once, and the layer starts without it and keeps trying (sends
 * work; live delivery starts, every subscriber catching up from the database, when it answers).
 */
export async function createRedisGroupLayer(options: RedisGroupLayerOptions): Promise<GroupLayer> {
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  const log: RedisLog = options.log ?? ((message, error) => console.error(`[parlor] redis: ${message}`, error ?? ""));
  let closed = false;
  const isClosed = () => closed;

  const { pub, sub } = openPubSub(options.url, prefix, options.publishTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS);
  const health = watchConnectionHealth(
    [
      ["publisher", pub],
      ["subscriber", sub],
    ],
    log,
    isClosed,
  );
  const channels = createChannelSubscriptions({
    sub,
    prefix,
    log,
    isClosed,
    health,
    onResubscribed: () => local.lagAll(),
  });
  const local = createMemoryGroupLayer({
    capacity: options.capacity,
    onGroupEmpty: (group) => channels.release(group),
  });
  const codec = createEventCodec(prefix, options.eventKey);
  deliverMessages(sub, codec, local, log);

  // Start-up waits for the first answer (ready, or refused), never for a Redis that is down: the
  // process serves at once, and the subscriptions' "ready" subscribes what it needs once Redis answers.
  await firstAnswer([pub, sub], options.connectTimeoutMs ?? REDIS_CONNECT_TIMEOUT_MS);
  if (pub.status !== "ready" || sub.status !== "ready") {
    log(`no answer from ${redactedUrl(options.url)} yet; starting without live delivery until it answers`);
  }

  return {
    local: false,

    async publish(group, event) {
      if (closed) throw new Error("The group layer is closed.");
      await pub.publish(prefix + group, codec.encode(prefix + group, event));
    },

    async subscribe(group: string, opts: SubscribeOptions): Promise<AsyncIterable<Delivery>> {
      // Locally first: from the moment Redis acknowledges, every event has a queue to land in.
      const stream = await local.subscribe(group, opts);
      if (opts.signal.aborted || closed) return stream;
      await channels.want(group);
      return stream;
    },

    // What arrives from Redis after the checks in redis-events.ts, and a lag after every reconnection. Events
    // reach listeners as they reach subscribers: to be confirmed against the database (local is false), unless vouched for.
    listen: (group, listener, onLagged) => local.listen(group, listener, onLagged),
    vouches: codec.vouches,

    subscriberCount: (group) => local.subscriberCount(group),

    status: () => ({
      connected: !closed && pub.status === "ready" && sub.status === "ready",
      reconnects: health.reconnects,
    }),

    async close() {
      if (closed) return;
      closed = true;
      await local.close();
      pub.disconnect();
      sub.disconnect();
    },
  };
}
