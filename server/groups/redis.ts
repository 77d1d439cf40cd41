/**
 * The group layer across processes: Redis pub/sub carries each event once per
 * process, and the in-memory layer fans it out to the local subscribers.
 *
 * One publishing and one subscribing connection per process. A group is
 * SUBSCRIBEd when its first local subscriber arrives and UNSUBSCRIBEd when the
 * last one leaves; commands on one connection run in order, so a quick
 * leave-and-rejoin ends subscribed.
 *
 * Redis pub/sub keeps nothing: whatever was published while the subscribing
 * connection was down is gone. So after every (re)connection the layer
 * resubscribes every group it needs, and only then gives every local subscriber
 * a `Lagged` marker: each room stream catches up from the database, the log.
 */
import Redis, { type RedisOptions } from "ioredis";
import { RoomEvent } from "../../shared/schemas.ts";
import type { Delivery, GroupLayer, SubscribeOptions } from "./group-layer.ts";
import { createMemoryGroupLayer } from "./memory.ts";

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
  log?: (message: string, error?: unknown) => void;
}

export const DEFAULT_REDIS_PREFIX = "parlor:";

const ROOM_GROUP_PREFIX = "room:";

/** Every room an event names: its own `room`, and the `room` of whatever it carries (an entry, its message). */
function roomsNamedIn(value: unknown, depth = 0, rooms: unknown[] = []): unknown[] {
  // Events are small and already schema-checked; the depth bound is only a backstop.
  if (value === null || typeof value !== "object" || depth > 4) return rooms;
  for (const [key, inner] of Object.entries(value)) {
    if (key === "room") rooms.push(inner);
    else roomsNamedIn(inner, depth + 1, rooms);
  }
  return rooms;
}

/**
 * Why an event that passed the schema still cannot be delivered on `group`, or
 * null: an event on a room's channel that names another room is forged or
 * misrouted, and would put one room's traffic in another's stream.
 */
export function misroutedEvent(group: string, event: object): string | null {
  if (!group.startsWith(ROOM_GROUP_PREFIX)) return null;
  const room = group.slice(ROOM_GROUP_PREFIX.length);
  const other = roomsNamedIn(event).find((named) => named !== room);
  return other === undefined ? null : `it names room ${JSON.stringify(other)}`;
}

function redactedUrl(url: string): string {
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

/** Reconnect quickly after a blip, then back off to once every 2 s, with jitter. */
const retryStrategy = (attempt: number) => Math.min(50 * 2 ** attempt, 2000) + Math.floor(Math.random() * 50);

/**
 * Connects, waiting only for Redis's first answer (at most `connectTimeoutMs`): a Redis
 * that is down refuses at once, and the layer starts without it and keeps trying (sends
 * work; live delivery starts, every subscriber catching up from the database, when it answers).
 */
export async function createRedisGroupLayer(options: RedisGroupLayerOptions): Promise<GroupLayer> {
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  const log = options.log ?? ((message, error) => console.error(`[parlor] redis: ${message}`, error ?? ""));
  /** Groups with at least one local subscriber: what the subscribing connection must be subscribed to. */
  const wanted = new Set<string>();
  /** SUBSCRIBEs in flight, so a second subscriber of a group also waits until it is live. */
  const subscribing = new Map<string, Promise<void>>();
  let closed = false;

  const local = createMemoryGroupLayer({
    capacity: options.capacity,
    onGroupEmpty(group) {
      wanted.delete(group);
      if (closed || sub.status !== "ready") return;
      sub.unsubscribe(prefix + group).catch((error) => log(`unsubscribe ${group} failed`, error));
    },
  });

  const common: RedisOptions = {
    // RESP2: the protocol ioredis's pub/sub has run on for years; Redis 7.0 speaks both.
    protocol: 2,
    // CLIENT SETINFO needs Redis 7.2.
    disableClientInfo: true,
    retryStrategy,
    // What was in flight on a dropped connection fails at once; the layer recovers by itself.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  };
  // Named after the prefix, so an operator (or a test) can find this deployment's connections.
  const pub = new Redis(options.url, {
    ...common,
    connectionName: `${prefix}pub:${process.pid}`,
    // A publish during a reconnect waits for it, but never for long: the message is stored
    // already, and subscribers catch up from the database when their connection returns.
    commandTimeout: options.publishTimeoutMs ?? 500,
  });
  const sub = new Redis(options.url, {
    ...common,
    connectionName: `${prefix}sub:${process.pid}`,
    // Resubscribing is ours (below): it must be followed by the `Lagged` markers.
    autoResubscribe: false,
    enableOfflineQueue: false,
  });

  let down = false;
  // Connections re-established after a loss, for metrics: every "ready" after a connection's first.
  let reconnects = 0;
  for (const [role, connection] of [["publisher", pub], ["subscriber", sub]] as const) {
    // One line per outage, not one per reconnect attempt. A server that shuts down
    // cleanly closes the connection without an error: that is an outage too.
    const outage = (error?: unknown) => {
      if (down || closed) return;
      down = true;
      log(`${role} connection lost; reconnecting`, error);
    };
    connection.on("error", outage);
    connection.on("close", () => outage());
    let readyBefore = false;
    connection.on("ready", () => {
      if (readyBefore) reconnects++;
      readyBefore = true;
    });
  }

  // Whatever arrives from Redis is input like any other: anyone who can publish there could forge it.
  sub.on("message", (channel: string, payload: string) => {
    if (!channel.startsWith(prefix)) return;
    const group = channel.slice(prefix.length);
    let event: RoomEvent;
    try {
      event = RoomEvent.parse(JSON.parse(payload));
    } catch (error) {
      log(`dropped an invalid event on ${channel}`, error);
      return;
    }
    const misrouted = misroutedEvent(group, event);
    if (misrouted) {
      log(`dropped an event on ${channel}: ${misrouted}`);
      return;
    }
    void local.publish(group, event);
  });

  // Every (re)connection: subscribe to every wanted group, then tell every local
  // subscriber that it may have missed something while the connection was down.
  sub.on("ready", async () => {
    const groups = [...wanted];
    if (groups.length > 0) {
      try {
        await sub.subscribe(...groups.map((g) => prefix + g));
      } catch (error) {
        log("resubscribe failed; retrying on the next connection", error);
        return;
      }
      local.lagAll();
    }
    if (down) log(`subscriber reconnected; resubscribed ${groups.length} group(s), their subscribers catch up from the database`);
    down = false;
  });

  /** SUBSCRIBE a group's channel; settles once Redis acknowledged it or the connection dropped. */
  function subscribeChannel(group: string): Promise<void> {
    // Not connected: the next "ready" subscribes every wanted group and lags every
    // subscriber, so everything published from now on is delivered or replaced by a marker.
    if (sub.status !== "ready") return Promise.resolve();
    const done = sub
      .subscribe(prefix + group)
      .then(
        () => undefined,
        (error) => log(`subscribe ${group} failed; retrying on the next connection`, error),
      )
      .finally(() => {
        if (subscribing.get(group) === done) subscribing.delete(group);
      });
    subscribing.set(group, done);
    return done;
  }

  // Start-up waits for the first answer (ready, or refused), never for a Redis that is down: the
  // process serves at once and the "ready" above subscribes what it needs once Redis answers.
  await firstAnswer([pub, sub], options.connectTimeoutMs ?? 5000);
  if (pub.status !== "ready" || sub.status !== "ready") {
    log(`no answer from ${redactedUrl(options.url)} yet; starting without live delivery until it answers`);
  }

  return {
    local: false,

    async publish(group, event) {
      if (closed) throw new Error("The group layer is closed.");
      await pub.publish(prefix + group, JSON.stringify(event));
    },

    async subscribe(group: string, opts: SubscribeOptions): Promise<AsyncIterable<Delivery>> {
      // Locally first: from the moment Redis acknowledges, every event has a queue to land in.
      const stream = await local.subscribe(group, opts);
      if (opts.signal.aborted || closed) return stream;
      if (!wanted.has(group)) {
        wanted.add(group);
        await subscribeChannel(group);
      } else {
        await subscribing.get(group);
      }
      return stream;
    },

    // What arrives from Redis after the checks above, and a lag after every reconnection. Events
    // reach listeners as they reach subscribers: to be confirmed against the database (local is false).
    listen: (group, listener, onLagged) => local.listen(group, listener, onLagged),

    subscriberCount: (group) => local.subscriberCount(group),

    status: () => ({ connected: !closed && pub.status === "ready" && sub.status === "ready", reconnects }),

    async close() {
      if (closed) return;
      closed = true;
      await local.close();
      pub.disconnect();
      sub.disconnect();
    },
  };
}
