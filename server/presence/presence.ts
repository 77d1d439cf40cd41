/**
 * Who is in which room, and who is typing, across every process.
 *
 * Each process knows its own connections (`enter` / leave) and shares them as
 * a full-state heartbeat on one group of the group layer (memory or Redis);
 * every process keeps the latest heartbeat of every other and forgets one whose
 * heartbeats stop for `ttlMs`. Because each heartbeat is the whole state, a lost
 * message, a split or a dead process converges by itself within one TTL.
 *
 * Watchers (`room.presence` subscribers) get snapshots, never per-person events:
 * changes are coalesced per room and sent at most once per `flushMs` per room,
 * and each watcher holds only the latest snapshot — a reconnect storm of
 * thousands costs each watcher a few snapshots, not thousands of joins.
 *
 * Bounded whatever the clients do:
 * - a heartbeat names at most PRESENCE_HEARTBEAT_MAX_ROOMS rooms and
 *   PRESENCE_HEARTBEAT_MAX_NAMES people (the schema refuses more): a process
 *   with more splits its state into parts, each its own "process" to the others
 *   (`<id>`, `<id>#1`, …), with its own TTL; a part no longer needed is sent
 *   empty once, so nothing lingers;
 * - heartbeats are periodic (every part, every `heartbeatMs`); a local change
 *   publishes at most once per `flushMs`, and only the parts that changed, so
 *   someone joining and leaving in a loop cannot make this process re-send its
 *   whole state, nor every other process recompute every room: a receiver
 *   re-snapshots only the rooms whose entry changed.
 */
import { PRESENCE_HEARTBEAT_MAX_NAMES, PRESENCE_HEARTBEAT_MAX_ROOMS, type RoomEvent, type RoomPresence } from "../../shared/schemas.ts";
import type { GroupLayer } from "../groups/group-layer.ts";

export const PRESENCE_GROUP = "presence";

export interface PresenceOptions {
  groups: GroupLayer;
  /** This process's id in heartbeats; unique per process. */
  processId?: string;
  /** How often the full local state is re-sent. */
  heartbeatMs?: number;
  /** How long another process's state counts without a heartbeat. */
  ttlMs?: number;
  /** Coalescing window for snapshots and for publishing local changes. */
  flushMs?: number;
  /** How long a typing signal lasts without being repeated. */
  typingTtlMs?: number;
}

export interface Presence {
  /** Subscribes to the other processes' heartbeats and starts sending this one's. */
  start(): Promise<void>;
  /** Counts a connection as present in `room` (a guest when `username` is null) until the returned function is called. */
  enter(room: string, username: string | null): () => void;
  /** The room's presence now, then each change (coalesced), until `signal` aborts. */
  watch(room: string, signal: AbortSignal): AsyncIterable<RoomPresence>;
  /** `username` is typing in `room` (for `typingTtlMs`), or stopped (their message arrived). */
  typing(room: string, username: string, active: boolean): Promise<void>;
  /** People present in `room` now: users once each, plus guests. */
  count(room: string): number;
  snapshot(room: string): RoomPresence;
  /** Stops heartbeats and watchers. Other processes forget this one after their TTL. */
  close(): Promise<void>;
}

interface RoomState {
  users: Map<string, number>;
  guests: number;
}

type HeartbeatRooms = Record<string, { users: string[]; guests: number }>;

/** A part's id in heartbeats: the process id for the first, `<id>#<n>` for the others. */
const partId = (processId: string, index: number) => (index === 0 ? processId : `${processId}#${index}`);

/**
 * The local state cut into heartbeat-sized parts: at most `maxRooms` rooms and
 * `maxNames` names each. A room with more people than fit is spread over
 * several parts (receivers take the union of names, and its guests are counted
 * in one part only). Rooms in name order, so parts change little between beats.
 */
export function heartbeatParts(
  local: ReadonlyMap<string, RoomState>,
  maxRooms = PRESENCE_HEARTBEAT_MAX_ROOMS,
  maxNames = PRESENCE_HEARTBEAT_MAX_NAMES,
): HeartbeatRooms[] {
  const parts: HeartbeatRooms[] = [];
  let part: HeartbeatRooms = {};
  let rooms = 0;
  let names = 0;
  const next = () => {
    parts.push(part);
    part = {};
    rooms = 0;
    names = 0;
  };
  for (const room of [...local.keys()].sort()) {
    const state = local.get(room)!;
    let users = [...state.users.keys()];
    let guests = state.guests;
    do {
      if (rooms >= maxRooms || (names >= maxNames && users.length > 0)) next();
      const taken = users.slice(0, maxNames - names);
      users = users.slice(taken.length);
      part[room] = { users: taken, guests };
      guests = 0;
      rooms++;
      names += taken.length;
    } while (users.length > 0);
  }
  if (rooms > 0 || parts.length === 0) parts.push(part);
  return parts;
}

const sameEntry = (a: { users: string[]; guests: number } | undefined, b: { users: string[]; guests: number } | undefined) =>
  a !== undefined && b !== undefined && a.guests === b.guests && a.users.length === b.users.length && a.users.every((u, i) => u === b.users[i]);

interface Watcher {
  /** The snapshot not yet taken by the subscriber: only the newest is kept. */
  latest: RoomPresence | null;
  /** The last snapshot given to it, serialized, so an unchanged one is not sent again. */
  sentKey: string;
  wake: (() => void) | null;
}

export function createPresence(options: PresenceOptions): Presence {
  const { groups } = options;
  const processId = options.processId ?? `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const ttlMs = options.ttlMs ?? 3 * heartbeatMs;
  const flushMs = options.flushMs ?? 250;
  const typingTtlMs = options.typingTtlMs ?? 5_000;

  const local = new Map<string, RoomState>();
  /** Other processes' rooms: process → room → state, and when it expires. */
  const remote = new Map<string, { rooms: Map<string, { users: string[]; guests: number }>; expiresAt: number }>();
  /** room → username → expiry time. */
  const typists = new Map<string, Map<string, number>>();
  const watchers = new Map<string, Set<Watcher>>();
  const dirty = new Set<string>();
  /** When each watched room last sent a snapshot: at most one per `flushMs`, whatever the churn. */
  const roomSentAt = new Map<string, number>();
  let localChanged = false;
  let lastPublishAt = Number.NEGATIVE_INFINITY;
  /** What each part last carried (serialized): a change publishes only the parts that differ. */
  let publishedParts: string[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending flush runs: a change must not wait behind a later one (a typing expiry 5 s away). */
  let flushAt = Number.POSITIVE_INFINITY;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  const stop = new AbortController();

  function snapshot(room: string): RoomPresence {
    const users = new Set(local.get(room)?.users.keys());
    let guests = local.get(room)?.guests ?? 0;
    for (const p of remote.values()) {
      const r = p.rooms.get(room);
      if (!r) continue;
      for (const u of r.users) users.add(u);
      guests += r.guests;
    }
    const now = Date.now();
    const typing = [...(typists.get(room) ?? [])].filter(([, until]) => until > now).map(([u]) => u);
    return { room, users: [...users].sort(), guests, typing: typing.sort() };
  }

  function markDirty(room: string) {
    dirty.add(room);
    scheduleFlush(flushMs);
  }

  function scheduleFlush(delayMs: number) {
    const at = Date.now() + delayMs;
    if (flushTimer !== undefined && flushAt <= at) return;
    clearTimeout(flushTimer);
    flushAt = at;
    flushTimer = setTimeout(flush, delayMs);
  }

  function flush() {
    flushTimer = undefined;
    flushAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    /** The soonest a held-back change may go out. */
    let later = Number.POSITIVE_INFINITY;
    if (localChanged) {
      if (now - lastPublishAt >= flushMs) {
        localChanged = false;
        void publishHeartbeat(false);
      } else later = lastPublishAt + flushMs - now;
    }
    let nextTypingExpiry = Number.POSITIVE_INFINITY;
    for (const room of dirty) {
      const set = watchers.get(room);
      if (!set?.size) {
        dirty.delete(room);
        continue;
      }
      const wait = (roomSentAt.get(room) ?? Number.NEGATIVE_INFINITY) + flushMs - now;
      if (wait > 0) {
        later = Math.min(later, wait);
        continue; // stays dirty: its next snapshot goes out when its interval is over
      }
      dirty.delete(room);
      const snap = snapshot(room);
      const key = JSON.stringify(snap);
      let sent = false;
      for (const w of set) {
        if (w.sentKey === key) continue;
        w.sentKey = key;
        w.latest = snap;
        w.wake?.();
        sent = true;
      }
      if (sent) roomSentAt.set(room, now);
    }
    const held = new Set(dirty);
    // Typing signals end by themselves: come back when the next one expires.
    for (const [room, map] of typists) {
      for (const [user, until] of map) {
        if (until <= now) {
          map.delete(user);
          dirty.add(room);
        } else nextTypingExpiry = Math.min(nextTypingExpiry, until);
      }
      if (map.size === 0) typists.delete(room);
    }
    // A room that just became dirty (a typing signal ended) may go at once, unless it sent within `flushMs`.
    for (const room of dirty) {
      if (held.has(room)) continue;
      later = Math.min(later, Math.max(0, (roomSentAt.get(room) ?? Number.NEGATIVE_INFINITY) + flushMs - now));
    }
    const soonest = Math.min(later, nextTypingExpiry < Number.POSITIVE_INFINITY ? Math.max(10, nextTypingExpiry - now) : later);
    if (soonest < Number.POSITIVE_INFINITY) scheduleFlush(soonest);
  }

  /** Publishes every part (`all`: the periodic heartbeat), or only those that changed since last time. */
  async function publishHeartbeat(all: boolean) {
    lastPublishAt = Date.now();
    const parts = heartbeatParts(local);
    const count = Math.max(parts.length, publishedParts.length);
    const events: { process: string; rooms: HeartbeatRooms }[] = [];
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      // A part no longer needed goes out empty once, so its rooms leave now rather than after the TTL.
      const rooms = parts[i] ?? {};
      const key = JSON.stringify(rooms);
      if (i < parts.length) keys.push(key);
      if (all || publishedParts[i] !== key) events.push({ process: partId(processId, i), rooms });
    }
    publishedParts = keys;
    await Promise.all(
      events.map((e) =>
        groups.publish(PRESENCE_GROUP, { type: "presence", ...e, ttlMs }).catch(() => {
          // The next heartbeat carries the whole state again.
        }),
      ),
    );
  }

  function expireRemote() {
    const now = Date.now();
    for (const [id, p] of remote) {
      if (p.expiresAt > now) continue;
      remote.delete(id);
      for (const room of p.rooms.keys()) markDirty(room);
    }
  }

  function receive(event: RoomEvent) {
    if (event.type === "presence") {
      if (event.process === processId || event.process.startsWith(`${processId}#`)) return;
      const before = remote.get(event.process);
      const rooms = new Map(Object.entries(event.rooms));
      remote.set(event.process, { rooms, expiresAt: Date.now() + event.ttlMs });
      // Only rooms whose entry changed need a new snapshot: a heartbeat restating the same is free.
      for (const room of new Set([...rooms.keys(), ...(before?.rooms.keys() ?? [])])) {
        if (!sameEntry(before?.rooms.get(room), rooms.get(room))) markDirty(room);
      }
    } else if (event.type === "typing") {
      let map = typists.get(event.room);
      if (!map) typists.set(event.room, (map = new Map()));
      if (event.active) map.set(event.username, Date.now() + event.ttlMs);
      else map.delete(event.username);
      markDirty(event.room);
    }
  }

  return {
    async start() {
      const stream = await groups.subscribe(PRESENCE_GROUP, { signal: stop.signal, capacity: 4096 });
      void (async () => {
        // A "lagged" marker needs nothing: the next heartbeats restate everything.
        for await (const delivery of stream) if (delivery.type !== "lagged") receive(delivery);
      })();
      heartbeatTimer = setInterval(() => {
        expireRemote();
        localChanged = false;
        void publishHeartbeat(true);
      }, heartbeatMs);
      await publishHeartbeat(true);
    },

    enter(room, username) {
      let s = local.get(room);
      if (!s) local.set(room, (s = { users: new Map(), guests: 0 }));
      if (username === null) s.guests++;
      else s.users.set(username, (s.users.get(username) ?? 0) + 1);
      localChanged = true;
      markDirty(room);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        const state = local.get(room)!;
        if (username === null) state.guests--;
        else {
          const n = (state.users.get(username) ?? 1) - 1;
          if (n > 0) state.users.set(username, n);
          else state.users.delete(username);
        }
        if (state.guests === 0 && state.users.size === 0) local.delete(room);
        localChanged = true;
        markDirty(room);
      };
    },

    async *watch(room, signal) {
      const first = snapshot(room);
      const watcher: Watcher = { latest: first, sentKey: JSON.stringify(first), wake: null };
      let set = watchers.get(room);
      if (!set) watchers.set(room, (set = new Set()));
      set.add(watcher);
      const onAbort = () => watcher.wake?.();
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        while (!signal.aborted && !stop.signal.aborted) {
          if (watcher.latest) {
            const snap = watcher.latest;
            watcher.latest = null;
            yield snap;
            continue;
          }
          await new Promise<void>((resolve) => (watcher.wake = resolve));
          watcher.wake = null;
        }
      } finally {
        signal.removeEventListener("abort", onAbort);
        set.delete(watcher);
        if (set.size === 0 && watchers.get(room) === set) {
          watchers.delete(room);
          roomSentAt.delete(room);
        }
      }
    },

    async typing(room, username, active) {
      // "Stopped typing" comes with every message sent: only worth a publish if they were.
      if (!active && !(typists.get(room)?.has(username) ?? false)) return;
      receive({ type: "typing", room, username, active, ttlMs: typingTtlMs });
      await groups.publish(PRESENCE_GROUP, { type: "typing", room, username, active, ttlMs: typingTtlMs });
    },

    count(room) {
      const s = snapshot(room);
      return s.users.length + s.guests;
    },

    snapshot,

    async close() {
      stop.abort();
      clearInterval(heartbeatTimer);
      clearTimeout(flushTimer);
      for (const set of watchers.values()) for (const w of set) w.wake?.();
    },
  };
}
