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
 *
 * The parts: presence-table.ts (who is where, pure state), heartbeat-parts.ts
 * and heartbeat-publisher.ts (what goes out), snapshot-watchers.ts (the
 * subscribers), flush.ts (when what is due goes out); this module wires them
 * to the group layer and the heartbeat timer.
 */
import type { RoomEvent, RoomPresence } from "../../shared/schemas.ts";
import type { GroupLayer } from "../groups/group-layer.ts";
import { PRESENCE_FLUSH_MS, PRESENCE_QUEUE_EVENTS, TYPING_TTL_MS } from "../limits/defaults.ts";
import { createPresenceFlush } from "./flush.ts";
import { createHeartbeatPublisher, PRESENCE_GROUP } from "./heartbeat-publisher.ts";
import { createPresenceTable } from "./presence-table.ts";
import { createSnapshotWatchers } from "./snapshot-watchers.ts";

export { PRESENCE_GROUP };

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

// Over 60 lines as a whole: the wiring of the parts and the interface's small methods, none over 15 lines.
export function createPresence(options: PresenceOptions): Presence {
  const { groups } = options;
  const processId = options.processId ?? `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const ttlMs = options.ttlMs ?? 3 * heartbeatMs;
  const flushMs = options.flushMs ?? PRESENCE_FLUSH_MS;
  const typingTtlMs = options.typingTtlMs ?? TYPING_TTL_MS;

  const table = createPresenceTable(processId);
  const watchers = createSnapshotWatchers({ flushMs, snapshot: table.snapshot });
  const publisher = createHeartbeatPublisher({ groups, processId, ttlMs, flushMs, local: table.local });
  const flusher = createPresenceFlush({ flushMs, table, watchers, publisher });
  const markDirty = flusher.markDirty;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  const stop = new AbortController();

  function receive(event: RoomEvent) {
    for (const room of table.receive(event)) markDirty(room);
  }

  return {
    async start() {
      const stream = await groups.subscribe(PRESENCE_GROUP, { signal: stop.signal, capacity: PRESENCE_QUEUE_EVENTS });
      void (async () => {
        // A "lagged" marker needs nothing: the next heartbeats restate everything.
        for await (const delivery of stream) if (delivery.type !== "lagged") receive(delivery);
      })();
      heartbeatTimer = setInterval(() => {
        for (const room of table.expireRemote(Date.now())) markDirty(room);
        void publisher.beat();
      }, heartbeatMs);
      await publisher.publishAll();
    },

    enter(room, username) {
      const leave = table.enter(room, username);
      publisher.changed();
      markDirty(room);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        leave();
        publisher.changed();
        markDirty(room);
      };
    },

    watch: (room, signal) => watchers.watch(room, signal, stop.signal),

    async typing(room, username, active) {
      // "Stopped typing" comes with every message sent: only worth a publish if they were.
      if (!active && !table.isTyping(room, username)) return;
      receive({ type: "typing", room, username, active, ttlMs: typingTtlMs });
      await groups.publish(PRESENCE_GROUP, { type: "typing", room, username, active, ttlMs: typingTtlMs });
    },

    count(room) {
      const s = table.snapshot(room);
      return s.users.length + s.guests;
    },

    snapshot: table.snapshot,

    async close() {
      stop.abort();
      clearInterval(heartbeatTimer);
      flusher.stop();
      watchers.wakeAll();
    },
  };
}
