/**
 * All SQL about messages. A room is a log: each message gets the room's next
 * `seq` in the same transaction that stores it, under the room row's lock, so
 * seqs are 1, 2, 3, … with no gap, in commit order, on SQLite and PostgreSQL alike.
 */
import { sql } from "kysely";
import type { Db } from "../../db/index.ts";
import type { Message, RoomName, RoomSummary } from "../../shared/schemas.ts";

export interface NewMessage {
  room: RoomName;
  sender: { id: number; username: string };
  text: string;
  /** The client's id for this send: a retry with the same one returns the stored message. */
  clientId?: string | undefined;
}

/** A retry whose client id was already used for a different message. */
export class ClientIdReusedError extends Error {
  override name = "ClientIdReusedError";
  constructor() {
    super("This 'clientId' was already used for a different message.");
  }
}

export interface Appended {
  message: Message;
  /** True when this was a retry: the message was stored (and published) by an earlier call. */
  duplicate: boolean;
}

interface JoinedRow {
  id: number;
  room: string;
  seq: number;
  sender: string;
  text: string;
  created_at: string;
}

const toMessage = (r: JoinedRow): Message => ({
  id: Number(r.id),
  room: r.room,
  seq: Number(r.seq),
  sender: r.sender,
  text: r.text,
  timestamp: r.created_at,
});

function selectMessages(db: Db, room: RoomName) {
  return db
    .selectFrom("message")
    .innerJoin("user", "user.id", "message.sender_id")
    .select(["message.id", "message.room", "message.seq", "user.username as sender", "message.text", "message.created_at"])
    .where("message.room", "=", room);
}

async function findByClientId(db: Db, senderId: number, clientId: string): Promise<Message | null> {
  const row = await db
    .selectFrom("message")
    .innerJoin("user", "user.id", "message.sender_id")
    .select(["message.id", "message.room", "message.seq", "user.username as sender", "message.text", "message.created_at"])
    .where("message.sender_id", "=", senderId)
    .where("message.client_id", "=", clientId)
    .executeTakeFirst();
  return row ? toMessage(row) : null;
}

function asRetryOf(msg: NewMessage, stored: Message): Appended {
  if (stored.room !== msg.room || stored.text !== msg.text) throw new ClientIdReusedError();
  return { message: stored, duplicate: true };
}

/**
 * Stores a message as the room's next seq and returns it as clients see it. With
 * a client id, a retry returns the first call's message and stores nothing.
 */
export async function appendMessage(db: Db, msg: NewMessage): Promise<Appended> {
  if (msg.clientId) {
    const stored = await findByClientId(db, msg.sender.id, msg.clientId);
    if (stored) return asRetryOf(msg, stored);
  }
  try {
    return { message: await insertMessage(db, msg), duplicate: false };
  } catch (error) {
    // Two copies of one send raced: the unique (sender, client id) index let one in.
    const stored = msg.clientId ? await findByClientId(db, msg.sender.id, msg.clientId) : null;
    if (stored) return asRetryOf(msg, stored);
    throw error;
  }
}

async function insertMessage(db: Db, msg: NewMessage): Promise<Message> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const { last_seq } = await trx
      .insertInto("room")
      .values({ name: msg.room, last_seq: 1, last_message_at: now })
      .onConflict((oc) =>
        oc.column("name").doUpdateSet({ last_seq: sql<number>`${sql.ref("room.last_seq")} + 1`, last_message_at: now }),
      )
      .returning("last_seq")
      .executeTakeFirstOrThrow();
    const seq = Number(last_seq);
    const { id } = await trx
      .insertInto("message")
      .values({ room: msg.room, seq, sender_id: msg.sender.id, text: msg.text, created_at: now, client_id: msg.clientId ?? null })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id: Number(id), room: msg.room, seq, sender: msg.sender.username, text: msg.text, timestamp: now };
  });
}

/** A page of history, newest first; `nextCursor` is the `before` of the next older page. */
export async function historyPage(
  db: Db,
  q: { room: RoomName; before?: number | undefined; limit: number },
): Promise<{ messages: Message[]; nextCursor: number | null }> {
  let query = selectMessages(db, q.room);
  if (q.before !== undefined) query = query.where("message.seq", "<", q.before);
  // One extra row tells whether an older page exists without a count.
  const rows = await query.orderBy("message.seq", "desc").limit(q.limit + 1).execute();
  const more = rows.length > q.limit;
  const messages = rows.slice(0, q.limit).map(toMessage);
  return { messages, nextCursor: more ? messages[messages.length - 1]!.seq : null };
}

/** Messages with `after < seq ≤ upTo`, oldest first, at most `limit`: what a resuming subscriber missed. */
export async function messagesAfter(
  db: Db,
  q: { room: RoomName; after: number; upTo?: number; limit: number },
): Promise<Message[]> {
  let query = selectMessages(db, q.room).where("message.seq", ">", q.after);
  if (q.upTo !== undefined) query = query.where("message.seq", "<=", q.upTo);
  const rows = await query.orderBy("message.seq", "asc").limit(q.limit).execute();
  return rows.map(toMessage);
}

/** The seq of the room's newest message; 0 for a room with none. */
export async function lastSeq(db: Db, room: RoomName): Promise<number> {
  const row = await db.selectFrom("room").select("last_seq").where("name", "=", room).executeTakeFirst();
  return row ? Number(row.last_seq) : 0;
}

/** Rooms by most recent message first. */
export async function activeRooms(db: Db, limit: number): Promise<Omit<RoomSummary, "present">[]> {
  const rows = await db
    .selectFrom("room")
    .select(["name", "last_seq", "last_message_at"])
    .orderBy("last_message_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ name: r.name, lastSeq: Number(r.last_seq), lastMessageAt: r.last_message_at }));
}
