/**
 * The SQL of storing new messages (./message-store.ts): the room row locked and
 * read, seqs taken k at a time, senders joining by sending, multi-row inserts.
 * The statements on the hot path are prepared (db/prepared.ts).
 */
import { type Insertable, sql } from "kysely";
import { inProcess } from "../../db/in-process.ts";
import type { Database, Db } from "../../db/index.ts";
import { prepare, prepareRows } from "../../db/prepared.ts";
import type { Message } from "../../shared/schemas.ts";
import { attachUploads } from "../files/repository.ts";
import type { NewMessage } from "./log-rows.ts";
import { recordMessageMentions } from "./mentions.ts";
import type { RoomState } from "./send-rules.ts";

/**
 * In process (SQLite, one transaction at a time on its one connection, so
 * nothing changes under a read): the room's visibility and size (no row: no
 * such room), then which of the senders (a JSON array: one statement for any
 * number of them) are members.
 */
const roomRow = prepare((db, room: string) =>
  db.selectFrom("room").select(["visibility", "member_count"]).where("name", "=", room),
);
const membersAmong = prepare((db, room: string, senderIds: string) =>
  db
    .selectFrom("room_member")
    .select("user_id")
    .where("room", "=", room)
    .where("user_id", "in", sql<number>`(select value from json_each(${senderIds}))`),
);

/**
 * Over a network (PostgreSQL): locks the room row, alone. What the rules read
 * comes in the next statements, which see every commit made before the lock
 * was granted (a row read in the locking statement itself could be older).
 */
const lockRoom = prepare((db, room: string) =>
  db.selectFrom("room").select(["visibility", "member_count"]).where("name", "=", room).forUpdate(),
);

/**
 * Takes the room's next `k` seqs for new messages (the last one taken is
 * `last_seq`): creates the room (a public room, its first sender the owner),
 * or adds `k` under the row's lock.
 */
export const nextSeqsForMessages = prepare((db, room: string, k: number, now: string, senderId: number) =>
  db
    .insertInto("room")
    .values({ name: room, last_seq: k, message_count: k, last_message_at: now, owner_id: senderId, created_at: now })
    .onConflict((oc) =>
      oc.column("name").doUpdateSet({
        last_seq: sql<number>`${sql.ref("room.last_seq")} + ${sql.ref("excluded.last_seq")}`,
        message_count: sql<number>`${sql.ref("room.message_count")} + ${sql.ref("excluded.message_count")}`,
        last_message_at: sql<string>`${sql.ref("excluded.last_message_at")}`,
      }),
    )
    .returning(["last_seq", "visibility", "owner_id", "member_count", "message_count"]),
);

/** What a new message's row is written with; the other columns take their defaults. */
const NEW_MESSAGE_COLUMNS = [
  "room",
  "seq",
  "sender_id",
  "text",
  "created_at",
  "client_id",
  "reply_to",
  "msg_index",
  "sender_index",
] as const;
type MessageInsert = Pick<Insertable<Database["message"]>, (typeof NEW_MESSAGE_COLUMNS)[number]>;

/**
 * Rows per multi-row insert, 64 at most; in process a power of two (100 = 64 + 32 + 4): seven compiled
 * statements serve every size (not one per count, each a Kysely build of hundreds of values), and one more
 * statement costs microseconds. Over a network a statement is a round trip: the rest go in one.
 */
const INSERT_CHUNK = 64;
const chunkOf = (remaining: number, inProcess: boolean) =>
  Math.min(INSERT_CHUNK, inProcess ? 2 ** Math.floor(Math.log2(remaining)) : remaining);

/** New messages in one multi-row statement (prepared per row count, see db/prepared.ts); their ids and seqs. */
const insertMessageRows = prepareRows(NEW_MESSAGE_COLUMNS, (db, rows: MessageInsert[]) =>
  db.insertInto("message").values(rows).returning(["id", "seq"]),
);

/** What a room batch reads under the lock: the rules' view of the room. */
export interface LockedRoom {
  state: RoomState;
}

/** The room row (locked), which of the senders are members, and which reply targets can be answered. */
export async function lockedRoomState(trx: Db, room: string, items: NewMessage[]): Promise<LockedRoom> {
  const senders = [...new Set(items.map((m) => m.sender.id))];
  const members = new Set<number>();
  let row: { visibility: string; member_count: number } | undefined;
  if (inProcess(trx)) {
    row = (await roomRow(trx, room)).rows[0];
    if (row) for (const r of (await membersAmong(trx, room, JSON.stringify(senders))).rows) members.add(r.user_id);
  } else {
    row = (await lockRoom(trx, room)).rows[0];
    if (row) {
      const found = await trx
        .selectFrom("room_member")
        .select("user_id")
        .where("room", "=", room)
        .where("user_id", "in", senders)
        .execute();
      for (const r of found) members.add(Number(r.user_id));
    }
  }
  const answerable = row ? await answerableAmong(trx, room, items) : new Set<number>();
  const state = {
    visibility: row?.visibility ?? null,
    memberCount: Number(row?.member_count ?? 0),
    members,
    answerable,
  };
  return { state };
}

/** The messages' reply targets that can be answered: messages of the room, not deleted. */
async function answerableAmong(trx: Db, room: string, items: NewMessage[]): Promise<Set<number>> {
  const answerable = new Set<number>();
  const targets = [...new Set(items.flatMap((m) => (m.replyTo !== undefined ? [m.replyTo] : [])))];
  if (targets.length === 0) return answerable;
  const found = await trx
    .selectFrom("message")
    .select(["seq", "deleted"])
    .where("room", "=", room)
    .where("seq", "in", targets)
    .execute();
  for (const r of found) if (Number(r.deleted) === 0) answerable.add(Number(r.seq));
  return answerable;
}

/** Senders of a public room become its members (the owner of a room they created as its owner); returns those who were not already. */
export async function joinBySending(
  trx: Db,
  room: string,
  joining: Set<number>,
  ownerId: number,
  now: string,
): Promise<Set<number>> {
  const rows = await trx
    .insertInto("room_member")
    .values(
      [...joining].map((id) => ({
        room,
        user_id: id,
        role: id === ownerId ? ("owner" as const) : ("member" as const),
        joined_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(["room", "user_id"]).doNothing())
    .returning("user_id")
    .execute();
  const joined = new Set(rows.map((r) => Number(r.user_id)));
  if (joined.size)
    await trx
      .updateTable("room")
      .set({ member_count: sql<number>`member_count + ${joined.size}` })
      .where("name", "=", room)
      .execute();
  return joined;
}

/** Inserts a room's admitted messages with consecutive seqs from `firstSeq`, records their mentions; the messages as clients see them. */
export async function insertMessages(
  trx: Db,
  room: string,
  items: NewMessage[],
  at: { firstSeq: number; firstIndex: number; now: string; senderIndex: Map<number, number> },
): Promise<Message[]> {
  // Each sender's newest place (./sender-places.ts), moved on message by message.
  const senderIndex = at.senderIndex;
  const rows = items.map((m, j): MessageInsert => {
    const index = senderIndex.get(m.sender.id)! + 1;
    senderIndex.set(m.sender.id, index);
    const { firstSeq, firstIndex, now } = at;
    return {
      room,
      seq: firstSeq + j,
      sender_id: m.sender.id,
      text: m.text,
      created_at: now,
      client_id: m.clientId ?? null,
      reply_to: m.replyTo ?? null,
      msg_index: firstIndex + j,
      sender_index: index,
    };
  });
  const ids = new Map<number, number>();
  const local = inProcess(trx);
  for (let start = 0, size = 0; start < rows.length; start += size) {
    size = chunkOf(rows.length - start, local);
    for (const r of (await insertMessageRows(trx, rows.slice(start, start + size))).rows)
      ids.set(Number(r.seq), Number(r.id));
  }
  const stored: Message[] = [];
  for (const [j, m] of items.entries()) {
    const seq = at.firstSeq + j;
    const mention = { room, seq, senderId: m.sender.id, text: m.text, replyTo: m.replyTo ?? null };
    const mentioning = recordMessageMentions(trx, mention);
    if (mentioning) await mentioning;
    // A refused attachment throws: the batch is then stored one message at a time (message-writer.ts), the refusal only this one's.
    const attachments = m.attachments?.length
      ? await attachUploads(trx, {
          messageId: ids.get(seq)!,
          uploaderId: m.sender.id,
          ids: m.attachments,
          now: Date.parse(at.now),
        })
      : [];
    stored.push({
      id: ids.get(seq)!,
      room,
      seq,
      sender: m.sender.username,
      text: m.text,
      timestamp: at.now,
      editedAt: null,
      deleted: false,
      replyTo: m.replyTo ?? null,
      reactions: [],
      attachments,
    });
  }
  return stored;
}
