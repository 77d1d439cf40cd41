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
  (db as Db).selectFrom("read_marker").select("seq").where("user_id", "=", userId).where("room", "=", room),
);

const roomRow = prepare((db, room: string) =>
  (db as Db).selectFrom("room").select(["last_seq", "message_count", "last_message_at", "visibility", "direct"]).where("name", "=", room),
);

/** The room's message count up to seq m (its last message at or before m). */
const messagesUpTo = prepare((db, room: string, m: number) =>
  (db as Db).selectFrom("message").select("msg_index").where("room", "=", room).where("seq", "<=", m).orderBy("seq", "desc").limit(1),
);

/** The user's message count in the room up to seq m. */
const ownUpTo = prepare((db, room: string, userId: number, m: number) =>
  (db as Db)
    .selectFrom("message")
    .select("sender_index")
    .where("room", "=", room)
    .where("sender_id", "=", userId)
    .where("seq", "<=", m)
    .orderBy("seq", "desc")
    .limit(1),
);

const deletedByOthersAfter = prepare((db, room: string, m: number, userId: number) =>
  (db as Db)
    .selectFrom("message")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("room", "=", room)
    .where("deleted", "=", 1)
    .where("seq", ">", m)
    .where("sender_id", "!=", userId),
);

const mentionsAfter = prepare((db, userId: number, room: string, m: number) =>
  (db as Db)
    .selectFrom("mention")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("room", "=", room)
    .where("seq", ">", m),
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

/** Where `userId` stands in `room`; null if the room does not exist. */
export async function roomCounts(db: Db, userId: number, room: RoomName): Promise<RoomCounts | null> {
  const r = (await roomRow(db, room)).rows[0];
  if (!r) return null;
  const m = await readMarker(db, userId, room);
  const [upTo, ownAll, ownUpToM, deleted, mentioned] = await Promise.all([
    messagesUpTo(db, room, m),
    ownUpTo(db, room, userId, Number.MAX_SAFE_INTEGER),
    ownUpTo(db, room, userId, m),
    deletedByOthersAfter(db, room, m, userId),
    mentionsAfter(db, userId, room, m),
  ]);
  const after = Number(r.message_count) - Number(upTo.rows[0]?.msg_index ?? 0);
  const ownAfter = Number(ownAll.rows[0]?.sender_index ?? 0) - Number(ownUpToM.rows[0]?.sender_index ?? 0);
  return {
    visibility: r.visibility,
    direct: Number(r.direct) === 1,
    lastSeq: Number(r.last_seq),
    lastReadSeq: m,
    unread: Math.max(0, after - ownAfter - Number(deleted.rows[0]?.n ?? 0)),
    mentions: Number(mentioned.rows[0]?.n ?? 0),
    lastMessageAt: r.last_message_at,
  };
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
