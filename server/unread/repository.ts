/**
 * Read markers and exact unread counts. "Messages by others, not deleted,
 * after seq m" is computed from each message's place among the room's messages
 * (`msg_index`) and among its sender's (`sender_index`): a handful of indexed
 * lookups whatever the room's size, never a scan of it.
 */
import { sql } from "kysely";
import type { Db } from "../../db/index.ts";
import { prepare } from "../../db/prepared.ts";
import type { RoomName } from "../../shared/schemas.ts";

const markerOf = prepare((db, userId: number, room: string) =>
  db.selectFrom("read_marker").select("seq").where("user_id", "=", userId).where("room", "=", room),
);

export interface RoomCounts {
  visibility: "public" | "private";
  direct: boolean;
  lastSeq: number;
  lastReadSeq: number;
  unread: number;
  mentions: number;
  lastMessageAt: string;
}

/** The user's marker in the room (0: nothing read). */
export async function readMarker(db: Db, userId: number, room: RoomName): Promise<number> {
  return Number((await markerOf(db, userId, room)).rows[0]?.seq ?? 0);
}

/**
 * Where `userId` stands in each of `rooms` (rooms that do not exist are left
 * out), in ONE statement whatever the number of rooms: each count is a
 * correlated lookup on an index of `message` or `mention` (see the top of this
 * file), so a watcher of 200 rooms costs one query, not 200 × 6. Callers pass
 * at most a user's 200 rooms (`rooms.mine`).
 */
export async function roomsCounts(
  db: Db,
  userId: number,
  rooms: readonly RoomName[],
): Promise<Map<RoomName, RoomCounts>> {
  const counts = new Map<RoomName, RoomCounts>();
  if (rooms.length === 0) return counts;
  const marker = sql<number>`coalesce(read_marker.seq, 0)`;
  const rows = await db
    .selectFrom("room")
    .leftJoin("read_marker", (join) =>
      join.onRef("read_marker.room", "=", "room.name").on("read_marker.user_id", "=", userId),
    )
    .where("room.name", "in", rooms)
    .select([
      "room.name",
      "room.last_seq",
      "room.message_count",
      "room.last_message_at",
      "room.visibility",
      "room.direct",
      marker.as("marker"),
    ])
    .select((eb) => [
      // The room's message count up to the marker (its last message at or before it).
      eb
        .selectFrom("message")
        .select("msg_index")
        .whereRef("message.room", "=", "room.name")
        .where("message.seq", "<=", marker)
        .orderBy("message.seq", "desc")
        .limit(1)
        .as("up_to"),
      // The user's own message count in the room, in all and up to the marker.
      eb
        .selectFrom("message")
        .select("sender_index")
        .whereRef("message.room", "=", "room.name")
        .where("message.sender_id", "=", userId)
        .orderBy("message.seq", "desc")
        .limit(1)
        .as("own_all"),
      eb
        .selectFrom("message")
        .select("sender_index")
        .whereRef("message.room", "=", "room.name")
        .where("message.sender_id", "=", userId)
        .where("message.seq", "<=", marker)
        .orderBy("message.seq", "desc")
        .limit(1)
        .as("own_up_to"),
      eb
        .selectFrom("message")
        .select((c) => c.fn.countAll<number>().as("n"))
        .whereRef("message.room", "=", "room.name")
        .where("message.deleted", "=", 1)
        .where("message.seq", ">", marker)
        .where("message.sender_id", "!=", userId)
        .as("deleted"),
      eb
        .selectFrom("mention")
        .select((c) => c.fn.countAll<number>().as("n"))
        .where("mention.user_id", "=", userId)
        .whereRef("mention.room", "=", "room.name")
        .where("mention.seq", ">", marker)
        .as("mentions"),
    ])
    .execute();
  for (const r of rows) {
    const after = Number(r.message_count) - Number(r.up_to ?? 0);
    const ownAfter = Number(r.own_all ?? 0) - Number(r.own_up_to ?? 0);
    counts.set(r.name, {
      visibility: r.visibility,
      direct: Number(r.direct) === 1,
      lastSeq: Number(r.last_seq),
      lastReadSeq: Number(r.marker),
      unread: Math.max(0, after - ownAfter - Number(r.deleted ?? 0)),
      mentions: Number(r.mentions ?? 0),
      lastMessageAt: r.last_message_at,
    });
  }
  return counts;
}

/** Where `userId` stands in `room`; null if the room does not exist. */
export async function roomCounts(db: Db, userId: number, room: RoomName): Promise<RoomCounts | null> {
  return (await roomsCounts(db, userId, [room])).get(room) ?? null;
}

/** Moves the marker forward to `seq` (never back); true when it moved. */
export async function advanceMarker(db: Db, userId: number, room: RoomName, seq: number): Promise<boolean> {
  const rows = await db
    .insertInto("read_marker")
    .values({ user_id: userId, room, seq })
    .onConflict((oc) =>
      oc
        .columns(["user_id", "room"])
        .doUpdateSet({ seq: (eb) => eb.ref("excluded.seq") })
        .where("read_marker.seq", "<", sql<number>`excluded.seq`),
    )
    .returning("seq")
    .execute();
  return rows.length > 0;
}
