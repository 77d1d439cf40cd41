/**
 * All SQL about messages. A room is a log: each message gets the room's next
 * `seq` in the same transaction that stores it, under the room row's lock, so
 * seqs are 1, 2, 3, … with no gap, in commit order, on SQLite and PostgreSQL alike.
 *
 * The queries on the hot path are prepared: built and compiled once, then run
 * with new parameters (see db/prepared.ts).
 */
import { type Kysely, sql } from "kysely";
import type { Database, Db } from "../../db/index.ts";
import { prepare } from "../../db/prepared.ts";
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

/** Messages as clients see them: the sender's name joined in. */
const messages = (db: Kysely<Database>) =>
  db
    .selectFrom("message")
    .innerJoin("user", "user.id", "message.sender_id")
    .select(["message.id", "message.room", "message.seq", "user.username as sender", "message.text", "message.created_at"]);

const byClientId = prepare((db, senderId: number, clientId: string) =>
  messages(db).where("message.sender_id", "=", senderId).where("message.client_id", "=", clientId),
);

/** Takes the room's next seq: creates the room at 1, or adds one under the row's lock. */
const nextSeq = prepare((db, room: string, now: string) =>
  (db as Db)
    .insertInto("room")
    .values({ name: room, last_seq: 1, last_message_at: now })
    .onConflict((oc) => oc.column("name").doUpdateSet({ last_seq: sql<number>`${sql.ref("room.last_seq")} + 1`, last_message_at: now }))
    .returning("last_seq"),
);

const insertMessage = prepare((db, room: string, seq: number, senderId: number, text: string, now: string, clientId: string | null) =>
  (db as Db)
    .insertInto("message")
    .values({ room, seq, sender_id: senderId, text, created_at: now, client_id: clientId })
    .returning("id"),
);

// One extra row tells whether an older page exists without a count.
const newestPage = prepare((db, room: string, rows: number) =>
  messages(db).where("message.room", "=", room).orderBy("message.seq", "desc").limit(rows),
);
const pageBefore = prepare((db, room: string, before: number, rows: number) =>
  messages(db).where("message.room", "=", room).where("message.seq", "<", before).orderBy("message.seq", "desc").limit(rows),
);

const after = prepare((db, room: string, afterSeq: number, limit: number) =>
  messages(db).where("message.room", "=", room).where("message.seq", ">", afterSeq).orderBy("message.seq", "asc").limit(limit),
);
const between = prepare((db, room: string, afterSeq: number, upTo: number, limit: number) =>
  messages(db)
    .where("message.room", "=", room)
    .where("message.seq", ">", afterSeq)
    .where("message.seq", "<=", upTo)
    .orderBy("message.seq", "asc")
    .limit(limit),
);

const roomLastSeq = prepare((db, room: string) => (db as Db).selectFrom("room").select("last_seq").where("name", "=", room));

async function findByClientId(db: Db, senderId: number, clientId: string): Promise<Message | null> {
  const { rows } = await byClientId(db, senderId, clientId);
  return rows[0] ? toMessage(rows[0]) : null;
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
    return { message: await storeMessage(db, msg), duplicate: false };
  } catch (error) {
    // Two copies of one send raced: the unique (sender, client id) index let one in.
    const stored = msg.clientId ? await findByClientId(db, msg.sender.id, msg.clientId) : null;
    if (stored) return asRetryOf(msg, stored);
    throw error;
  }
}

async function storeMessage(db: Db, msg: NewMessage): Promise<Message> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const seq = Number((await nextSeq(trx, msg.room, now)).rows[0]!.last_seq);
    const { rows } = await insertMessage(trx, msg.room, seq, msg.sender.id, msg.text, now, msg.clientId ?? null);
    return { id: Number(rows[0]!.id), room: msg.room, seq, sender: msg.sender.username, text: msg.text, timestamp: now };
  });
}

/** A page of history, newest first; `nextCursor` is the `before` of the next older page. */
export async function historyPage(
  db: Db,
  q: { room: RoomName; before?: number | undefined; limit: number },
): Promise<{ messages: Message[]; nextCursor: number | null }> {
  const { rows } = q.before === undefined ? await newestPage(db, q.room, q.limit + 1) : await pageBefore(db, q.room, q.before, q.limit + 1);
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit).map(toMessage);
  return { messages: page, nextCursor: more ? page[page.length - 1]!.seq : null };
}

/** Messages with `after < seq ≤ upTo`, oldest first, at most `limit`: what a resuming subscriber missed. */
export async function messagesAfter(
  db: Db,
  q: { room: RoomName; after: number; upTo?: number; limit: number },
): Promise<Message[]> {
  const { rows } = q.upTo === undefined ? await after(db, q.room, q.after, q.limit) : await between(db, q.room, q.after, q.upTo, q.limit);
  return rows.map(toMessage);
}

/** The seq of the room's newest message; 0 for a room with none. */
export async function lastSeq(db: Db, room: RoomName): Promise<number> {
  const { rows } = await roomLastSeq(db, room);
  return rows[0] ? Number(rows[0].last_seq) : 0;
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
