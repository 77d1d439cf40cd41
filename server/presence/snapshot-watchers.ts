/**
 * The `room.presence` subscribers of this process: each holds only the latest
 * snapshot of its room, never per-person events, and a room sends at most one
 * snapshot per `flushMs` whatever the churn — a reconnect storm of thousands
 * costs each watcher a few snapshots, not thousands of joins.
 */
import type { RoomPresence } from "../../shared/schemas.ts";

interface Watcher {
  /** The snapshot not yet taken by the subscriber: only the newest is kept. */
  latest: RoomPresence | null;
  /** The last snapshot given to it, serialized, so an unchanged one is not sent again. */
  sentKey: string;
  wake: (() => void) | null;
}

export interface SnapshotWatchers {
  /** Rooms whose presence changed since their watchers last heard. */
  readonly dirty: Set<string>;
  /** The room's presence now, then each change (coalesced), until `signal` or `stop` aborts. */
  watch(room: string, signal: AbortSignal, stop: AbortSignal): AsyncIterable<RoomPresence>;
  /** Gives each dirty room's watchers its snapshot, unless the room sent one within `flushMs`; returns how soon a held room may go. */
  flush(now: number): number;
  /** How soon `rooms` (dirty only since the last `flush`) may go: at once, unless they sent within `flushMs`. */
  waitForNewlyDirty(rooms: Iterable<string>, now: number): number;
  /** Wakes every watcher (to see that presence stopped). */
  wakeAll(): void;
}

// Over 60 lines as a whole: the watchers' state and the small methods that are its only readers and writers.
export function createSnapshotWatchers({
  flushMs,
  snapshot,
}: {
  flushMs: number;
  snapshot: (room: string) => RoomPresence;
}): SnapshotWatchers {
  const watchers = new Map<string, Set<Watcher>>();
  const dirty = new Set<string>();
  /** When each watched room last sent a snapshot: at most one per `flushMs`, whatever the churn. */
  const roomSentAt = new Map<string, number>();

  /** Hands the room's snapshot to each of its watchers that has not got it yet; whether any had not. */
  function send(room: string, set: Set<Watcher>): boolean {
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
    return sent;
  }

  return {
    dirty,

    async *watch(room, signal, stop) {
      const first = snapshot(room);
      const watcher: Watcher = { latest: first, sentKey: JSON.stringify(first), wake: null };
      let set = watchers.get(room);
      if (!set) watchers.set(room, (set = new Set()));
      set.add(watcher);
      const onAbort = () => watcher.wake?.();
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        while (!signal.aborted && !stop.aborted) {
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

    flush(now) {
      let later = Number.POSITIVE_INFINITY;
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
        if (send(room, set)) roomSentAt.set(room, now);
      }
      return later;
    },

    waitForNewlyDirty(rooms, now) {
      let later = Number.POSITIVE_INFINITY;
      for (const room of rooms)
        later = Math.min(later, Math.max(0, (roomSentAt.get(room) ?? Number.NEGATIVE_INFINITY) + flushMs - now));
      return later;
    },

    wakeAll() {
      for (const set of watchers.values()) for (const w of set) w.wake?.();
    },
  };
}
