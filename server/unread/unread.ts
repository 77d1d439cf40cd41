/**
 * What a user has not read: read markers (`markRead`, forward only) and the
 * live `me.rooms` picture — a snapshot of their rooms with exact unread and
 * mention counts, then an update whenever one changes, across processes.
 *
 * A watcher subscribes to each of its rooms' groups and to its own user group
 * first, then reads the counts; a new message by someone else moves its room's
 * counts by one without a query; anything else (a delete, an edit, a marker
 * moved in another tab, a gap or lag) recounts that room from the database.
 * Changes are coalesced per room, so a burst costs one update per room.
 */
import type { Db } from "../../db/index.ts";
import { mentions } from "../../shared/room-log.ts";
import { type MeRoomsEvent, type RoomName, type RoomUnread, roomGroup, userGroup } from "../../shared/schemas.ts";
import type { Delivery, GroupLayer } from "../groups/group-layer.ts";
import { announceToUser } from "../groups/user-events.ts";
import type { Rooms } from "../rooms/rooms.ts";
import { advanceMarker, readMarker, roomCounts } from "./repository.ts";

export interface UnreadOptions {
  db: Db;
  groups: GroupLayer;
  rooms: Rooms;
}

interface Watched {
  summary: RoomUnread;
  /** Ends this room's group subscription. */
  stop: AbortController;
}

export function createUnread({ db, groups, rooms }: UnreadOptions) {
  async function summaryOf(userId: number, room: RoomName): Promise<RoomUnread | null> {
    const counts = await roomCounts(db, userId, room);
    return counts && { room, ...counts };
  }

  async function* watch(user: { id: number; username: string }, signal: AbortSignal): AsyncGenerator<MeRoomsEvent> {
    const watched = new Map<RoomName, Watched>();
    /** Rooms to recount, and rooms whose summary changed in memory; both emptied by each update. */
    const recount = new Set<RoomName>();
    const changed = new Set<RoomName>();
    let reloadRooms = false;
    let wake: (() => void) | null = null;
    const poke = () => {
      wake?.();
      wake = null;
    };
    const ended = () => signal.aborted;
    signal.addEventListener("abort", poke, { once: true });

    /** Pumps one group's deliveries into the coalesced state until it ends. */
    const pump = (stream: AsyncIterable<Delivery>, onDelivery: (d: Delivery) => void) => {
      (async () => {
        for await (const delivery of stream) {
          onDelivery(delivery);
          poke();
        }
      })().catch((error) => console.error("[parlor] me.rooms stream failed", error));
    };

    const onRoomDelivery = (room: RoomName) => (d: Delivery) => {
      const w = watched.get(room);
      if (!w) return;
      if (d.type === "lagged") return void recount.add(room);
      if (d.type !== "entry" || d.room !== room) return;
      const s = w.summary;
      const entry = d.entry;
      if (entry.seq <= s.lastSeq) return;
      // The common case, the next entry being a message, is counted here; anything else is recounted.
      if (entry.seq === s.lastSeq + 1 && entry.kind === "message") {
        const m = entry.message;
        w.summary = {
          ...s,
          lastSeq: entry.seq,
          lastMessageAt: m.timestamp,
          unread: s.unread + (m.sender === user.username ? 0 : 1),
          mentions: s.mentions + (m.sender !== user.username && mentions(m.text, user.username) ? 1 : 0),
        };
        changed.add(room);
      } else {
        recount.add(room);
      }
    };

    async function follow(room: RoomName): Promise<void> {
      const stop = new AbortController();
      const onAbort = () => stop.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      const stream = await groups.subscribe(roomGroup(room), { signal: stop.signal });
      const summary = await summaryOf(user.id, room);
      if (!summary) {
        stop.abort();
        return;
      }
      watched.set(room, { summary, stop });
      pump(stream, onRoomDelivery(room));
    }

    function unfollow(room: RoomName): void {
      watched.get(room)?.stop.abort();
      watched.delete(room);
      recount.delete(room);
      changed.delete(room);
    }

    const own = new AbortController();
    signal.addEventListener("abort", () => own.abort(), { once: true });
    const userStream = await groups.subscribe(userGroup(user.id), { signal: own.signal });
    pump(userStream, (d) => {
      if (d.type === "lagged") {
        reloadRooms = true;
        for (const room of watched.keys()) recount.add(room);
      } else if (d.type === "user" && d.userId === user.id) {
        if (d.change === "rooms") reloadRooms = true;
        else if (d.room && watched.has(d.room)) recount.add(d.room);
      }
    });

    try {
      for (const r of await rooms.mine(user)) await follow(r.room);
      yield { type: "snapshot", rooms: [...watched.values()].map((w) => w.summary) };
      while (!ended()) {
        if (!reloadRooms && recount.size === 0 && changed.size === 0) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        if (reloadRooms) {
          reloadRooms = false;
          const now = new Set((await rooms.mine(user)).map((r) => r.room));
          for (const room of [...watched.keys()]) {
            if (!now.has(room)) {
              unfollow(room);
              yield { type: "removed", room };
            }
          }
          for (const room of now) {
            if (!watched.has(room)) {
              await follow(room);
              if (watched.has(room)) changed.add(room);
            }
          }
        }
        for (const room of [...recount]) {
          recount.delete(room);
          const w = watched.get(room);
          const fresh = w && (await summaryOf(user.id, room));
          if (w && fresh && watched.get(room) === w) {
            w.summary = fresh;
            changed.add(room);
          }
        }
        for (const room of [...changed]) {
          changed.delete(room);
          const w = watched.get(room);
          if (w) yield { type: "update", room: w.summary };
        }
      }
    } finally {
      own.abort();
      for (const w of watched.values()) w.stop.abort();
    }
  }

  return {
    /** Moves `user`'s marker in `room` forward to `seq` (clamped to the room's newest entry); other tabs hear of it. */
    async markRead(user: { id: number }, room: RoomName, seq: number): Promise<{ room: RoomName; lastReadSeq: number }> {
      const newest = (await roomCounts(db, user.id, room))?.lastSeq ?? 0;
      const target = Math.min(seq, newest);
      if (target > 0 && (await advanceMarker(db, user.id, room, target))) await announceToUser(groups, user.id, "marker", room);
      return { room, lastReadSeq: await readMarker(db, user.id, room) };
    },

    watch,
  };
}

export type Unread = ReturnType<typeof createUnread>;
