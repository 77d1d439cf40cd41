/**
 * When presence goes out: one timer per process runs `flush`, which publishes
 * the local changes that are due, hands watchers the snapshots that are due,
 * ends expired typing signals, and sets itself again for the soonest thing
 * it held back. A change never waits behind a later one (a typing expiry 5 s away).
 */
import type { HeartbeatPublisher } from "./heartbeat-publisher.ts";
import type { PresenceTable } from "./presence-table.ts";
import type { SnapshotWatchers } from "./snapshot-watchers.ts";

export interface PresenceFlush {
  /** The presence of `room` changed: its watchers hear within `flushMs`. */
  markDirty(room: string): void;
  stop(): void;
}

export function createPresenceFlush({
  flushMs,
  table,
  watchers,
  publisher,
}: {
  flushMs: number;
  table: PresenceTable;
  watchers: SnapshotWatchers;
  publisher: HeartbeatPublisher;
}): PresenceFlush {
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending flush runs: a change must not wait behind a later one (a typing expiry 5 s away). */
  let flushAt = Number.POSITIVE_INFINITY;

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
    let later = publisher.publishChangesDue(now);
    later = Math.min(later, watchers.flush(now));
    // Typing signals end by themselves: come back when the next one expires.
    const held = new Set(watchers.dirty);
    const typing = table.expireTyping(now);
    for (const room of typing.rooms) watchers.dirty.add(room);
    // A room that just became dirty (a typing signal ended) may go at once, unless it sent within `flushMs`.
    later = Math.min(
      later,
      watchers.waitForNewlyDirty(
        [...watchers.dirty].filter((room) => !held.has(room)),
        now,
      ),
    );
    const soonest = Math.min(
      later,
      typing.nextExpiry < Number.POSITIVE_INFINITY ? Math.max(10, typing.nextExpiry - now) : later,
    );
    if (soonest < Number.POSITIVE_INFINITY) scheduleFlush(soonest);
  }

  return {
    markDirty(room) {
      watchers.dirty.add(room);
      scheduleFlush(flushMs);
    },
    stop() {
      clearTimeout(flushTimer);
    },
  };
}
