/**
 * Sending this process's presence to the others: every part on each periodic
 * heartbeat, and between beats, at most once per `flushMs`, only the parts a
 * local change altered — someone joining and leaving in a loop cannot make
 * this process re-send its whole state. A part no longer needed goes out empty
 * once, so its rooms leave now rather than after the TTL.
 */
import type { GroupLayer } from "../groups/group-layer.ts";
import { type HeartbeatRooms, heartbeatParts, partId, type RoomState } from "./heartbeat-parts.ts";

export const PRESENCE_GROUP = "presence";

export interface HeartbeatPublisherOptions {
  groups: GroupLayer;
  processId: string;
  /** How long the others count what is sent. */
  ttlMs: number;
  flushMs: number;
  /** This process's connections per room (read at each publish). */
  local: ReadonlyMap<string, RoomState>;
}

export interface HeartbeatPublisher {
  /** The local state changed: it goes out with the next `publishChangesDue`. */
  changed(): void;
  /** Publishes the parts a local change altered, unless the last publish was within `flushMs`; returns how soon it may go then. */
  publishChangesDue(now: number): number;
  /** Publishes every part. */
  publishAll(): Promise<void>;
  /** The periodic heartbeat: every part, pending changes included. */
  beat(): Promise<void>;
}

export function createHeartbeatPublisher({
  groups,
  processId,
  ttlMs,
  flushMs,
  local,
}: HeartbeatPublisherOptions): HeartbeatPublisher {
  let localChanged = false;
  let lastPublishAt = Number.NEGATIVE_INFINITY;
  /** What each part last carried (serialized): a change publishes only the parts that differ. */
  let publishedParts: string[] = [];

  /** Publishes every part (`all`: the periodic heartbeat), or only those that changed since last time. */
  async function publish(all: boolean) {
    lastPublishAt = Date.now();
    const parts = heartbeatParts(local);
    const count = Math.max(parts.length, publishedParts.length);
    const events: { process: string; rooms: HeartbeatRooms }[] = [];
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
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

  return {
    changed() {
      localChanged = true;
    },

    publishChangesDue(now) {
      if (!localChanged) return Number.POSITIVE_INFINITY;
      if (now - lastPublishAt < flushMs) return lastPublishAt + flushMs - now;
      localChanged = false;
      void publish(false);
      return Number.POSITIVE_INFINITY;
    },

    publishAll: () => publish(true),

    beat() {
      localChanged = false;
      return publish(true);
    },
  };
}
