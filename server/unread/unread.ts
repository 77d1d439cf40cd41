/**
 * What a user has not read: read markers (`markRead`, forward only) and the
 * live `me.rooms` picture — a snapshot of their rooms with exact unread and
 * mention counts, then an update whenever one changes, across processes.
 *
 * A watcher subscribes to each of its rooms' groups and to its own user group
 * first, then reads the counts; a new message by someone else moves its room's
 * counts by one without a query; anything else (a delete, an edit, a marker
 * moved in another tab, a gap or lag) recounts that room from the database.
 * Changes are coalesced per room, so a burst costs one update per room, and
 * every read of counts is one statement for all the rooms it concerns
 * (`roomsCounts`): a snapshot of 200 rooms is one query, not 1,200.
 */
import type { Db } from "../../db/index.ts";
import { mentions } from "../../shared/room-log.ts";
import { type MeRoomsEvent, type RoomName, type RoomUnread, roomGroup, userGroup } from "../../shared/schemas.ts";
import type { Delivery, GroupLayer } from "../groups/group-layer.ts";
import { announceToUser } from "../groups/user-events.ts";
import type { Rooms } from "../rooms/rooms.ts";
import { advanceMarker, readMarker, roomCounts, roomsCounts } from "./repository.ts";

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
  /** The summaries of those of `rooms` that exist, in one statement. */
  async function summariesOf(userId: number, rooms: readonly RoomName[]): Promise<Map<RoomName, RoomUnread>> {
    const counts = await roomsCounts(db, userId, rooms);
    return new Map([...counts].map(([room, c]) => [room, { room, ...c }]));
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

    /** Subscribes to each room's group first, then reads all their counts at once; rooms that do not exist are let go. */
    async function follow(rooms: readonly RoomName[]): Promise<void> {
      const streams = await Promise.all(
        rooms.map(async (room) => {
          const stop = new AbortController();
          signal.addEventListener("abort", () => stop.abort(), { once: true, signal: stop.signal });
          return { room, stop, stream: await groups.subscribe(roomGroup(room), { signal: stop.signal }) };
        }),
      );
      const summaries = await summariesOf(user.id, rooms);
      for (const { room, stop, stream } of streams) {
        const summary = summaries.get(room);
        if (!summary) {
          stop.abort();
          continue;
        }
        watched.set(room, { summary, stop });
        pump(stream, onRoomDelivery(room));
      }
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
      await follow((await rooms.mine(user)).map((r) => r.room));
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
          const joined = [...now].filter((room) => !watched.has(room));
          await follow(joined);
          for (const room of joined) if (watched.has(room)) changed.add(room);
        }
        if (recount.size > 0) {
          const due = new Map([...recount].map((room) => [room, watched.get(room)]));
          recount.clear();
          const fresh = await summariesOf(user.id, [...due.keys()]);
          for (const [room, w] of due) {
            const summary = fresh.get(room);
            if (w && summary && watched.get(room) === w) {
              w.summary = summary;
              changed.add(room);
            }
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
