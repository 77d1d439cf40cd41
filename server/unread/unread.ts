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
import type { EntryEvent, MeRoomsEvent, RoomEntry, RoomName, RoomUnread } from "../../shared/schemas.ts";
import type { GroupLayer } from "../groups/group-layer.ts";
import { announceToUser } from "../groups/user-events.ts";
import type { Rooms } from "../rooms/rooms.ts";
import { advanceMarker, readMarker, roomCounts, roomsCounts } from "./repository.ts";
import { UnreadWatcher } from "./watcher.ts";

export interface UnreadOptions {
  db: Db;
  groups: GroupLayer;
  rooms: Rooms;
  /** An entry heard from another process, as the database holds it (the room log's confirmer): only that is counted. */
  confirm: (event: EntryEvent) => Promise<RoomEntry | null>;
}

export function createUnread({ db, groups, rooms, confirm }: UnreadOptions) {
  /** The summaries of those of `rooms` that exist, in one statement. */
  async function summariesOf(userId: number, rooms: readonly RoomName[]): Promise<Map<RoomName, RoomUnread>> {
    const counts = await roomsCounts(db, userId, rooms);
    return new Map([...counts].map(([room, c]) => [room, { room, ...c }]));
  }

  /** The names of the rooms `user` is in (at most MY_ROOMS_MAX, as `rooms.mine` lists them). */
  const myRooms = async (user: { id: number; username: string }) => (await rooms.mine(user)).map((r) => r.room);

  /** A snapshot of `user`'s rooms, then each change, until `signal` aborts. */
  async function* watch(user: { id: number; username: string }, signal: AbortSignal): AsyncGenerator<MeRoomsEvent> {
    const watcher = new UnreadWatcher({ groups, user, signal, summariesOf, confirm });
    await watcher.followUser();
    try {
      await watcher.follow(await myRooms(user));
      yield { type: "snapshot", rooms: watcher.summaries() };
      while (!signal.aborted) {
        if (watcher.idle) {
          await watcher.nextChange();
          continue;
        }
        yield* watcher.reload(() => myRooms(user));
        await watcher.recountDue();
        yield* watcher.updates();
      }
    } finally {
      watcher.close();
    }
  }

  return {
    /** Moves `user`'s marker in `room` forward to `seq` (clamped to the room's newest entry); other tabs hear of it. */
    async markRead(
      user: { id: number },
      room: RoomName,
      seq: number,
    ): Promise<{ room: RoomName; lastReadSeq: number }> {
      const newest = (await roomCounts(db, user.id, room))?.lastSeq ?? 0;
      const target = Math.min(seq, newest);
      if (target > 0 && (await advanceMarker(db, user.id, room, target)))
        await announceToUser(groups, user.id, "marker", room);
      return { room, lastReadSeq: await readMarker(db, user.id, room) };
    },

    watch,
  };
}

export type Unread = ReturnType<typeof createUnread>;
