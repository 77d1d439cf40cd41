/**
 * All SQL about a room's log. Each entry (a message, or a change to one) takes
 * the room's next `seq` in the transaction that stores it, under the room row's
 * lock, so seqs are 1, 2, 3, … with no gap, in commit order, on SQLite and
 * PostgreSQL alike. Messages are stored in their current state (one indexed
 * query for history); changes are rows of `room_entry` (resume is a range scan
 * of both tables by seq).
 *
 * The queries on the hot path are prepared: built and compiled once, then run
 * with new parameters (see db/prepared.ts).
 */
import { type Insertable, type Kysely, SqliteAdapter, sql } from "kysely";
import type { Database, Db } from "../../db/index.ts";
import { prepare, prepareRows } from "../../db/prepared.ts";
import { applyChange, type ChangeEntry } from "../../shared/room-log.ts";
import { recordMessageMentions } from "./mention-rows.ts";
import type { MemberChange, Message, Reaction, RoomEntry, RoomName, RoomSummary } from "../../shared/schemas.ts";
import { ClientIdReusedError, InvalidRequestError, NotFoundError, roomNotFound } from "../errors/domain-errors.ts";

export interface Author {
  id: number;
  username: string;
}

export interface NewMessage {
  room: RoomName;
  sender: Author;
  text: string;
  /** The client's id for this send: a retry with the same one returns the stored message. */
  clientId?: string | undefined;
  /** The seq of the message it answers: must be a message of the room, not deleted. */
  replyTo?: number | undefined;
  /** A public room's members at most: a sender who is not one yet joins it by sending, unless it is full. Unset: no cap. */
  maxMembers?: number | undefined;
}

export interface Appended {
  message: Message;
  /** True when this was a retry: the message was stored (and published) by an earlier call. */
  duplicate: boolean;
  /** True when sending made the sender a member of the (public) room. */
  joined?: boolean;
}

/** A change to one message, as the caller asks it (the entry's other fields come from the log). */
export type Change =
  | { kind: "edit"; text: string }
  | { kind: "delete" }
  | { kind: "reaction"; emoji: string; added: boolean };

/** The message a change targets, with what the rules need to know about it. */
export interface Target {
  message: Message;
  senderId: number;
}

interface MessageRow {
  id: number;
  room: string;
  seq: number;
  sender: string;
  sender_id: number;
  text: string;
  created_at: string;
  edited_at: string | null;
  deleted: number;
  reply_to: number | null;
  reactions: string;
  original_text: string | null;
}

/** Exported for search (./search.ts), which reads the same rows. */
export const toMessage = (r: MessageRow): Message => ({
  id: Number(r.id),
  room: r.room,
  seq: Number(r.seq),
  sender: r.sender,
  text: r.text,
  timestamp: r.created_at,
  editedAt: r.edited_at,
  deleted: Number(r.deleted) === 1,
  replyTo: r.reply_to === null ? null : Number(r.reply_to),
  reactions: JSON.parse(r.reactions) as Reaction[],
  attachments: [],
});

/** The message as its own log entry shows it: as sent (a deleted one with its text gone), before any change. */
const asSent = (r: MessageRow): Message => ({
  ...toMessage(r),
  text: Number(r.deleted) === 1 ? "" : (r.original_text ?? r.text),
  editedAt: null,
  deleted: false,
  reactions: [],
  attachments: [],
});

/** Messages as clients see them: the sender's name joined in. Exported for search (./search.ts). */
export const messages = (db: Kysely<Database>) =>
  db
    .selectFrom("message")
    .innerJoin("user", "user.id", "message.sender_id")
    .select([
      "message.id",
      "message.room",
      "message.seq",
      "user.username as sender",
      "message.sender_id",
      "message.text",
      "message.created_at",
      "message.edited_at",
      "message.deleted",
      "message.reply_to",
      "message.reactions",
      "message.original_text",
    ]);

const byClientId = prepare((db, senderId: number, clientId: string) =>
  messages(db).where("message.sender_id", "=", senderId).where("message.client_id", "=", clientId),
);

const messageAt = prepare((db, room: string, seq: number) => messages(db).where("message.room", "=", room).where("message.seq", "=", seq));

/**
 * Takes the room's next `k` seqs for new messages (the last one taken is
 * `last_seq`): creates the room (a public room, its first sender the owner),
 * or adds `k` under the row's lock.
 */
const nextSeqsForMessages = prepare((db, room: string, k: number, now: string, senderId: number) =>
  (db as Db)
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

/** The room's visibility and size, and whether `senderId` is a member (one row; none: no such room). */
const roomStateWithSender = prepare((db, room: string, senderId: number) =>
  (db as Db)
    .selectFrom("room")
    .leftJoin("room_member", (join) => join.onRef("room_member.room", "=", "room.name").on("room_member.user_id", "=", senderId))
    .select(["room.visibility", "room.member_count", "room_member.user_id"])
    .where("room.name", "=", room),
);

/**
 * The store's own access rule, under the room row's lock: a private room takes
 * messages from its members only. The seam checked before, but it may have seen
 * the name unused and a `room.create(private)` committed since; the answer is the
 * seam's for a private room one is not in (NOT_FOUND, as for a name never used).
 */
function requireMayPostIn(room: string, visibility: string, isMember: boolean): void {
  if (visibility !== "public" && !isMember) throw roomNotFound(room);
}

/** Thrown inside a batch's transaction when its room turned private under it: the batch is stored again one message at a time. */
class RoomTurnedPrivate extends Error {}

/** What a new message's row is written with; the other columns take their defaults. */
const NEW_MESSAGE_COLUMNS = ["room", "seq", "sender_id", "text", "created_at", "client_id", "reply_to", "msg_index", "sender_index"] as const;
type MessageInsert = Pick<Insertable<Database["message"]>, (typeof NEW_MESSAGE_COLUMNS)[number]>;

/** Rows per multi-row insert: a few compiled statements serve every batch size. */
const INSERT_CHUNK = 64;

/** New messages in one multi-row statement (prepared per row count, see db/prepared.ts); their ids and seqs. */
const insertMessageRows = prepareRows(NEW_MESSAGE_COLUMNS, (db, rows: MessageInsert[]) => (db as Db).insertInto("message").values(rows).returning(["id", "seq"]));

/** Whether statements run in this process (SQLite): then one more statement costs microseconds, not a round trip. */
const inProcess = (db: Db) => db.getExecutor().adapter instanceof SqliteAdapter;

/** The sender's latest place among their messages in the room (0 before their first). */
const lastSenderIndex = prepare((db, room: string, senderId: number) =>
  (db as Db)
    .selectFrom("message")
    .select("sender_index")
    .where("room", "=", room)
    .where("sender_id", "=", senderId)
    .orderBy("seq", "desc")
    .limit(1),
);

const clearMentions = prepare((db, room: string, seq: number) => (db as Db).deleteFrom("mention").where("room", "=", room).where("seq", "=", seq));

/** Whether `userId` is a member of `room` (asked under the room row's lock). */
async function isMemberOf(trx: Db, room: string, userId: number): Promise<boolean> {
  return (await roomStateWithSender(trx, room, userId)).rows[0]?.user_id != null;
}

/** A sender of a public room becomes one of its members (nothing when they are one already). */
const joinBySending = prepare((db, room: string, userId: number, role: "owner" | "member", now: string) =>
  (db as Db)
    .insertInto("room_member")
    .values({ room, user_id: userId, role, joined_at: now })
    .onConflict((oc) => oc.columns(["room", "user_id"]).doNothing())
    .returning("user_id"),
);
const countNewMember = prepare((db, room: string) =>
  (db as Db)
    .updateTable("room")
    .set({ member_count: sql<number>`member_count + 1` })
    .where("name", "=", room),
);

/** Takes the room's next seq for a change; no row: the room does not exist. */
const nextSeqForChange = prepare((db, room: string) =>
  (db as Db)
    .updateTable("room")
    .set({ last_seq: sql<number>`last_seq + 1` })
    .where("name", "=", room)
    .returning("last_seq"),
);

const insertEntry = prepare(
  (db, room: string, seq: number, kind: ChangeEntry["kind"] | "member", target: number, actorId: number, data: string, now: string) =>
    (db as Db).insertInto("room_entry").values({ room, seq, kind, target, actor_id: actorId, data, created_at: now }),
);

// The search index (db/migrations/2026-12-01T06-search.ts) follows this row in the same
// transaction: SQLite triggers on message.text/deleted, a generated column on PostgreSQL.
const updateMessageState = prepare(
  (db, room: string, seq: number, text: string, editedAt: string | null, deleted: number, reactions: string, originalText: string | null) =>
    (db as Db)
      .updateTable("message")
      .set({ text, edited_at: editedAt, deleted, reactions, original_text: originalText })
      .where("room", "=", room)
      .where("seq", "=", seq),
);

/** A deleted message's edits lose their text too: nothing it said stays in the log. */
const scrubEdits = prepare((db, room: string, target: number, data: string) =>
  (db as Db).updateTable("room_entry").set({ data }).where("room", "=", room).where("target", "=", target).where("kind", "=", "edit"),
);

// One extra row tells whether an older page exists without a count.
const newestPage = prepare((db, room: string, rows: number) =>
  messages(db).where("message.room", "=", room).orderBy("message.seq", "desc").limit(rows),
);
const pageBefore = prepare((db, room: string, before: number, rows: number) =>
  messages(db).where("message.room", "=", room).where("message.seq", "<", before).orderBy("message.seq", "desc").limit(rows),
);

const messagesInRange = prepare((db, room: string, afterSeq: number, upTo: number) =>
  messages(db).where("message.room", "=", room).where("message.seq", ">", afterSeq).where("message.seq", "<=", upTo).orderBy("message.seq", "asc"),
);
const changesInRange = prepare((db, room: string, afterSeq: number, upTo: number) =>
  (db as Db)
    .selectFrom("room_entry")
    .innerJoin("user", "user.id", "room_entry.actor_id")
    .select(["room_entry.seq", "room_entry.kind", "room_entry.target", "user.username as actor", "room_entry.data", "room_entry.created_at"])
    .where("room_entry.room", "=", room)
    .where("room_entry.seq", ">", afterSeq)
    .where("room_entry.seq", "<=", upTo)
    .orderBy("room_entry.seq", "asc"),
);

const roomLastSeq = prepare((db, room: string) => (db as Db).selectFrom("room").select("last_seq").where("name", "=", room));

async function findByClientId(db: Db, senderId: number, clientId: string): Promise<Message | null> {
  const { rows } = await byClientId(db, senderId, clientId);
  return rows[0] ? toMessage(rows[0]) : null;
}

function asRetryOf(msg: NewMessage, stored: Message): Appended {
  if (stored.room !== msg.room || stored.text !== msg.text || stored.replyTo !== (msg.replyTo ?? null)) throw new ClientIdReusedError();
  return { message: stored, duplicate: true };
}

/** A message as stored, and whether sending it made its sender a member of the room. */
export interface Stored {
  message: Message;
  joined: boolean;
}

/** How a new message is written: on its own (the default), or through a group commit (./message-writer.ts). */
export type StoreMessage = (msg: NewMessage) => Promise<Stored>;

/**
 * Stores a message as the room's next seq and returns it as clients see it. With
 * a client id, a retry returns the first call's message and stores nothing.
 */
export async function appendMessage(db: Db, msg: NewMessage, store: StoreMessage = (m) => storeMessage(db, m)): Promise<Appended> {
  if (msg.clientId) {
    const stored = await findByClientId(db, msg.sender.id, msg.clientId);
    if (stored) return asRetryOf(msg, stored);
  }
  try {
    return { ...(await store(msg)), duplicate: false };
  } catch (error) {
    if (error instanceof InvalidRequestError) throw error;
    // Two copies of one send raced: the unique (sender, client id) index let one in.
    const stored = msg.clientId ? await findByClientId(db, msg.sender.id, msg.clientId) : null;
    if (stored) return asRetryOf(msg, stored);
    throw error;
  }
}

/** One message in its own transaction. */
export async function storeMessage(db: Db, msg: NewMessage): Promise<Stored> {
  const now = new Date().toISOString();
  const replyTo = msg.replyTo ?? null;
  return db.transaction().execute(async (trx) => {
    const roomRow = (await nextSeqsForMessages(trx, msg.room, 1, now, msg.sender.id)).rows[0]!;
    const seq = Number(roomRow.last_seq);
    // Private rooms are joined by invitation only: a sender who is not a member stores nothing.
    if (roomRow.visibility !== "public") requireMayPostIn(msg.room, roomRow.visibility, await isMemberOf(trx, msg.room, msg.sender.id));
    let joined = false;
    if (roomRow.visibility === "public") {
      const role = Number(roomRow.owner_id) === msg.sender.id ? "owner" : "member";
      joined = (await joinBySending(trx, msg.room, msg.sender.id, role, now)).rows.length > 0;
      if (joined) {
        if (msg.maxMembers !== undefined && Number(roomRow.member_count) >= msg.maxMembers) throw new InvalidRequestError(`Room '${msg.room}' is full (${msg.maxMembers} members).`);
        await countNewMember(trx, msg.room);
      }
    }
    if (replyTo !== null) {
      // Read under the room's lock: the message answered cannot be deleted meanwhile.
      const { rows } = await messageAt(trx, msg.room, replyTo);
      if (!rows[0] || Number(rows[0].deleted) === 1) {
        throw new InvalidRequestError(`'replyTo' ${replyTo} is not a message of room '${msg.room}' that can be answered.`);
      }
    }
    const senderIndex = Number((await lastSenderIndex(trx, msg.room, msg.sender.id)).rows[0]?.sender_index ?? 0) + 1;
    const { rows } = await insertMessageRows(trx, [
      { room: msg.room, seq, sender_id: msg.sender.id, text: msg.text, created_at: now, client_id: msg.clientId ?? null, reply_to: replyTo, msg_index: Number(roomRow.message_count), sender_index: senderIndex },
    ]);
    await recordMessageMentions(trx, { room: msg.room, seq, senderId: msg.sender.id, text: msg.text, replyTo });
    const message: Message = {
      id: Number(rows[0]!.id),
      room: msg.room,
      seq,
      sender: msg.sender.username,
      text: msg.text,
      timestamp: now,
      editedAt: null,
      deleted: false,
      replyTo,
      reactions: [],
      attachments: [],
    };
    return { message, joined };
  });
}

export type BatchResult = { ok: true; value: Stored } | { ok: false; error: unknown };

/**
 * Each sender's newest `sender_index` in the room (0 for none yet). Over a
 * network, all of a batch's senders in one statement: one indexed probe per
 * sender, joined with UNION ALL (a round trip per sender made a busy room on
 * PostgreSQL wait on the network); in process, one prepared probe each.
 */
async function lastSenderIndexes(trx: Db, room: string, senderIds: number[]): Promise<Map<number, number>> {
  const found = new Map<number, number>(senderIds.map((id) => [id, 0]));
  if (senderIds.length === 1 || inProcess(trx)) {
    for (const id of senderIds) found.set(id, Number((await lastSenderIndex(trx, room, id)).rows[0]?.sender_index ?? 0));
    return found;
  }
  const newest = (id: number) =>
    trx
      .selectFrom((eb) =>
        eb.selectFrom("message").select(["sender_id", "sender_index"]).where("room", "=", room).where("sender_id", "=", id).orderBy("seq", "desc").limit(1).as("newest"),
      )
      .selectAll();
  let query = newest(senderIds[0]!);
  for (const id of senderIds.slice(1)) query = query.unionAll(newest(id));
  for (const r of await query.execute()) found.set(Number(r.sender_id), Number(r.sender_index ?? 0));
  return found;
}

/**
 * Group commit: stores a batch of messages (in arrival order) in ONE
 * transaction, with a few set-wise statements per room instead of a
 * transaction per message. Each message is checked before anything is written
 * (its reply target, room capacity), so a refused one takes no seq and leaves no
 * trace; the others go in. Throws on a database error (a concurrent writer's
 * conflict, say): the caller then stores the batch one message at a time.
 */
export async function storeMessageBatch(db: Db, batch: readonly NewMessage[]): Promise<BatchResult[]> {
  const results: BatchResult[] = new Array(batch.length);
  const byRoom = new Map<string, number[]>();
  batch.forEach((m, i) => {
    const list = byRoom.get(m.room);
    if (list) list.push(i);
    else byRoom.set(m.room, [i]);
  });
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    for (const [room, indexes] of byRoom) {
      const stored = await storeRoomBatch(trx, room, indexes.map((i) => batch[i]!), now);
      stored.forEach((r, j) => (results[indexes[j]!] = r));
    }
  });
  return results;
}

async function storeRoomBatch(trx: Db, room: string, items: NewMessage[], now: string): Promise<BatchResult[]> {
  const results: BatchResult[] = new Array(items.length);
  // The room and which of the batch's senders are members already: in one statement over a network, a prepared one per sender in process.
  const senders = [...new Set(items.map((m) => m.sender.id))];
  const stateRows =
    senders.length === 1 || inProcess(trx)
      ? (await Promise.all(senders.map((id) => roomStateWithSender(trx, room, id)))).flatMap((r) => r.rows)
      : await trx
          .selectFrom("room")
          .leftJoin("room_member", (join) => join.onRef("room_member.room", "=", "room.name").on("room_member.user_id", "in", senders))
          .select(["room.visibility", "room.member_count", "room_member.user_id"])
          .where("room.name", "=", room)
          .execute();
  const state = stateRows[0];
  const isPublic = !state || state.visibility === "public";

  // Reply targets: each must be a message of this room, not deleted.
  const replyTargets = [...new Set(items.flatMap((m) => (m.replyTo ? [m.replyTo] : [])))];
  const answerable = new Set<number>();
  if (replyTargets.length) {
    const rows = await trx.selectFrom("message").select(["seq", "deleted"]).where("room", "=", room).where("seq", "in", replyTargets).execute();
    for (const r of rows) if (Number(r.deleted) === 0) answerable.add(Number(r.seq));
  }

  // Public rooms: senders who are not members yet join by sending, while it has room.
  const members = new Set<number>();
  for (const r of stateRows) if (r.user_id !== null) members.add(Number(r.user_id));
  let memberCount = Number(state?.member_count ?? 0);
  const joining = new Set<number>();
  const valid: number[] = [];
  items.forEach((m, i) => {
    if (m.replyTo && !answerable.has(m.replyTo)) {
      results[i] = { ok: false, error: new InvalidRequestError(`'replyTo' ${m.replyTo} is not a message of room '${room}' that can be answered.`) };
      return;
    }
    if (!isPublic) {
      try {
        requireMayPostIn(room, state.visibility, members.has(m.sender.id));
      } catch (error) {
        results[i] = { ok: false, error };
        return;
      }
    }
    if (isPublic && !members.has(m.sender.id) && !joining.has(m.sender.id)) {
      if (m.maxMembers !== undefined && memberCount >= m.maxMembers) {
        results[i] = { ok: false, error: new InvalidRequestError(`Room '${room}' is full (${m.maxMembers} members).`) };
        return;
      }
      joining.add(m.sender.id);
      memberCount++;
    }
    valid.push(i);
  });
  if (valid.length === 0) return results;

  // The seqs: k at once, under the room row's lock (a new room is public, its first sender the owner).
  const k = valid.length;
  const first = items[valid[0]!]!;
  const bumped = (await nextSeqsForMessages(trx, room, k, now, first.sender.id)).rows[0]!;
  // Read before the lock, the room was new or public; under it, it is private (created meanwhile): check each sender one by one.
  if (isPublic && bumped.visibility !== "public") throw new RoomTurnedPrivate(`Room '${room}' became private while its batch was stored.`);
  const firstSeq = Number(bumped.last_seq) - k + 1;
  const firstIndex = Number(bumped.message_count) - k + 1;

  const joined = new Set<number>();
  if (isPublic && joining.size) {
    const ownerId = Number(bumped.owner_id);
    const rows = await trx
      .insertInto("room_member")
      .values([...joining].map((id) => ({ room, user_id: id, role: id === ownerId ? ("owner" as const) : ("member" as const), joined_at: now })))
      .onConflict((oc) => oc.columns(["room", "user_id"]).doNothing())
      .returning("user_id")
      .execute();
    for (const r of rows) joined.add(Number(r.user_id));
    if (joined.size) await trx.updateTable("room").set({ member_count: sql<number>`member_count + ${joined.size}` }).where("name", "=", room).execute();
  }

  const senderIndex = await lastSenderIndexes(trx, room, [...new Set(valid.map((i) => items[i]!.sender.id))]);
  const rows = valid.map((i, j) => {
    const m = items[i]!;
    const index = senderIndex.get(m.sender.id)! + 1;
    senderIndex.set(m.sender.id, index);
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
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    for (const r of (await insertMessageRows(trx, rows.slice(start, start + INSERT_CHUNK))).rows) ids.set(Number(r.seq), Number(r.id));
  }
  const announced = new Set<number>();
  for (const [j, i] of valid.entries()) {
    const m = items[i]!;
    const seq = firstSeq + j;
    await recordMessageMentions(trx, { room, seq, senderId: m.sender.id, text: m.text, replyTo: m.replyTo ?? null });
    const isFirstJoin = joined.has(m.sender.id) && !announced.has(m.sender.id);
    if (isFirstJoin) announced.add(m.sender.id);
    results[i] = {
      ok: true,
      value: {
        message: { id: ids.get(seq)!, room, seq, sender: m.sender.username, text: m.text, timestamp: now, editedAt: null, deleted: false, replyTo: m.replyTo ?? null, reactions: [], attachments: [] },
        joined: isFirstJoin,
      },
    };
  }
  return results;
}

/** Thrown inside a change's transaction when there is nothing to store: rolls back the seq it took. */
class Unchanged {
  constructor(readonly message: Message) {}
}

/**
 * Appends a change to message `target` of `room` as the room's next seq, and
 * stores the message's new state in the same transaction. `decide` sees the
 * message under the room's lock and returns the change, or null when there is
 * nothing to store (then no seq is used); it throws to refuse.
 */
export async function appendChange(
  db: Db,
  q: { room: RoomName; target: number; actor: Author; decide: (target: Target) => Change | null },
): Promise<{ message: Message; entry: ChangeEntry | null }> {
  const now = new Date().toISOString();
  try {
    return await db.transaction().execute(async (trx) => {
      // The seq first: on PostgreSQL it takes the room row's lock, so what is read next cannot change under us.
      const bumped = (await nextSeqForChange(trx, q.room)).rows[0];
      const row = bumped && (await messageAt(trx, q.room, q.target)).rows[0];
      if (!bumped || !row) throw new NotFoundError(`Room '${q.room}' has no message ${q.target}.`);
      const current = toMessage(row);
      const change = q.decide({ message: current, senderId: Number(row.sender_id) });
      if (!change) throw new Unchanged(current);
      const seq = Number(bumped.last_seq);
      const entry = toEntry(seq, q.target, q.actor.username, now, change);
      const next = applyChange(current, entry);
      const deleted = next.deleted ? 1 : 0;
      // The text as sent is kept from the first edit on, and goes with a delete.
      const originalText = next.deleted ? null : change.kind === "edit" ? (row.original_text ?? row.text) : row.original_text;
      await updateMessageState(trx, q.room, q.target, next.text, next.editedAt, deleted, JSON.stringify(next.reactions), originalText);
      await insertEntry(trx, q.room, seq, entry.kind, q.target, q.actor.id, entryData(change), now);
      if (change.kind === "delete") await scrubEdits(trx, q.room, q.target, JSON.stringify({ text: "" }));
      // Who it mentions follows its text: an edit may add or drop a name, a delete drops them all.
      if (change.kind !== "reaction") {
        await clearMentions(trx, q.room, q.target);
        if (change.kind === "edit") await recordMessageMentions(trx, { room: q.room, seq: q.target, senderId: Number(row.sender_id), text: change.text, replyTo: current.replyTo });
      }
      return { message: next, entry };
    });
  } catch (error) {
    if (error instanceof Unchanged) return { message: error.message, entry: null };
    throw error;
  }
}

function entryData(change: Change): string {
  switch (change.kind) {
    case "edit":
      return JSON.stringify({ text: change.text });
    case "delete":
      return "{}";
    case "reaction":
      return JSON.stringify({ emoji: change.emoji, added: change.added });
  }
}

function toEntry(seq: number, target: number, actor: string, at: string, change: Change): ChangeEntry {
  switch (change.kind) {
    case "edit":
      return { kind: "edit", seq, target, text: change.text, editedAt: at, by: actor };
    case "delete":
      return { kind: "delete", seq, target, deletedAt: at, by: actor };
    case "reaction":
      return { kind: "reaction", seq, target, emoji: change.emoji, user: actor, added: change.added };
  }
}

/**
 * Appends a membership change to the room's log inside the caller's
 * transaction (the one that changes the membership): the room's next seq.
 */
export async function appendMemberEntry(
  trx: Db,
  q: { room: RoomName; actor: Author; user: string; change: MemberChange; role?: "moderator" | "member" | undefined },
): Promise<Extract<RoomEntry, { kind: "member" }>> {
  const now = new Date().toISOString();
  const bumped = (await nextSeqForChange(trx, q.room)).rows[0];
  if (!bumped) throw new NotFoundError(`Room '${q.room}' does not exist.`);
  const seq = Number(bumped.last_seq);
  const data = JSON.stringify({ user: q.user, change: q.change, ...(q.role ? { role: q.role } : {}) });
  await insertEntry(trx, q.room, seq, "member", 0, q.actor.id, data, now);
  return { kind: "member", seq, user: q.user, change: q.change, ...(q.role ? { role: q.role } : {}), by: q.actor.username };
}

/** The message at `seq` of `room` in its current state; null if there is none. */
export async function findMessage(db: Db, room: RoomName, seq: number): Promise<Message | null> {
  const { rows } = await messageAt(db, room, seq);
  return rows[0] ? toMessage(rows[0]) : null;
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

/**
 * The log's entries with `after < seq ≤ upTo`, oldest first: what a resuming
 * subscriber missed. Keep ranges short (the room stream reads in batches).
 */
export async function entriesBetween(db: Db, q: { room: RoomName; after: number; upTo: number }): Promise<RoomEntry[]> {
  if (q.upTo <= q.after) return [];
  const [sent, changes] = await Promise.all([messagesInRange(db, q.room, q.after, q.upTo), changesInRange(db, q.room, q.after, q.upTo)]);
  const entries: RoomEntry[] = [];
  let i = 0;
  let j = 0;
  const m = sent.rows;
  const c = changes.rows;
  while (i < m.length || j < c.length) {
    if (j >= c.length || (i < m.length && Number(m[i]!.seq) < Number(c[j]!.seq))) {
      const message = asSent(m[i++]!);
      entries.push({ kind: "message", seq: message.seq, message });
    } else {
      const r = c[j++]!;
      const data = JSON.parse(r.data) as { text?: string; emoji?: string; added?: boolean; user?: string; change?: MemberChange; role?: "moderator" | "member" };
      const seq = Number(r.seq);
      const target = Number(r.target);
      if (r.kind === "edit") entries.push({ kind: "edit", seq, target, text: data.text ?? "", editedAt: r.created_at, by: r.actor });
      else if (r.kind === "delete") entries.push({ kind: "delete", seq, target, deletedAt: r.created_at, by: r.actor });
      else if (r.kind === "reaction") entries.push({ kind: "reaction", seq, target, emoji: data.emoji ?? "", user: r.actor, added: data.added === true });
      else entries.push({ kind: "member", seq, user: data.user ?? "", change: data.change ?? "joined", ...(data.role ? { role: data.role } : {}), by: r.actor });
    }
  }
  return entries;
}

/** The seq of the room's newest entry; 0 for a room with none. */
export async function lastSeq(db: Db, room: RoomName): Promise<number> {
  const { rows } = await roomLastSeq(db, room);
  return rows[0] ? Number(rows[0].last_seq) : 0;
}

/** Public rooms by most recent message first (a private room is never listed: its members find it among theirs). */
export async function activeRooms(db: Db, limit: number): Promise<Omit<RoomSummary, "present">[]> {
  const rows = await db
    .selectFrom("room")
    .select(["name", "last_seq", "message_count", "last_message_at"])
    .where("visibility", "=", "public")
    .orderBy("last_message_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ name: r.name, lastSeq: Number(r.last_seq), messages: Number(r.message_count), lastMessageAt: r.last_message_at }));
}
