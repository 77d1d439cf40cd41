/**
 * Writing new messages: one path for a single send and for a group commit
 * (./message-writer.ts), a single send being a batch of one. Per room of a
 * batch, in one transaction: lock the room row and read what the rules need
 * (./send-rules.ts), take the seqs of the messages let in (k at once, creating
 * a new room), add the senders who join by sending, insert the messages in
 * multi-row statements, each sender's place among their own messages carried
 * on from the last commit (./sender-places.ts). A refused message takes no
 * seq and leaves no trace; the others go in. Seqs are 1, 2, 3, … per room,
 * gapless, in commit order.
 *
 * The SQL is in ./message-statements.ts; the rules in ./send-rules.ts.
 */
import type { Db } from "../../db/index.ts";
import { prepare } from "../../db/prepared.ts";
import type { Message } from "../../shared/schemas.ts";
import { ClientIdReusedError, InvalidRequestError } from "../errors/domain-errors.ts";
import { withAttachments } from "../files/repository.ts";
import type { NewMessage } from "./log-rows.ts";
import { messages, toMessage } from "./log-rows.ts";
import { insertMessages, joinBySending, lockedRoomState, nextSeqsForMessages } from "./message-statements.ts";
import { admit } from "./send-rules.ts";
import { rememberPlaces, senderPlaces } from "./sender-places.ts";

/** A message as stored, and whether sending it made its sender a member of the room. */
export interface Stored {
  message: Message;
  joined: boolean;
}

export interface Appended {
  message: Message;
  /** True when this was a retry: the message was stored (and published) by an earlier call. */
  duplicate: boolean;
  /** True when sending made the sender a member of the (public) room. */
  joined?: boolean;
}

export type BatchResult = { ok: true; value: Stored } | { ok: false; error: unknown };

/** How a new message is written: alone (the default), or through a group commit (./message-writer.ts). */
export type StoreMessage = (msg: NewMessage) => Promise<Stored>;

const byClientId = prepare((db, senderId: number, clientId: string) =>
  messages(db).where("message.sender_id", "=", senderId).where("message.client_id", "=", clientId),
);

async function findByClientId(db: Db, senderId: number, clientId: string): Promise<Message | null> {
  const { rows } = await byClientId(db, senderId, clientId);
  return rows[0] ? (await withAttachments(db, [toMessage(rows[0])]))[0]! : null;
}

/** The same files in the same order (a deleted message has none left to compare). */
const sameAttachments = (msg: NewMessage, stored: Message) =>
  stored.deleted || stored.attachments.map((a) => a.id).join() === (msg.attachments ?? []).join();

function asRetryOf(msg: NewMessage, stored: Message): Appended {
  const same = stored.room === msg.room && stored.text === msg.text && stored.replyTo === (msg.replyTo ?? null);
  if (!same || !sameAttachments(msg, stored)) throw new ClientIdReusedError();
  return { message: stored, duplicate: true };
}

/**
 * Stores a message as the room's next seq and returns it as clients see it. With
 * a client id, a retry returns the first call's message and stores nothing.
 */
export async function appendMessage(
  db: Db,
  msg: NewMessage,
  store: StoreMessage = (m) => storeMessage(db, m),
): Promise<Appended> {
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

/** One message in its own transaction: a batch of one. */
export async function storeMessage(db: Db, msg: NewMessage): Promise<Stored> {
  const [result] = await storeMessageBatch(db, [msg]);
  if (!result!.ok) throw result!.error;
  return result!.value;
}

/**
 * Thrown inside a batch's transaction when a room that did not exist when its
 * state was read (nothing to lock yet) was created meanwhile by someone else
 * (a `room.create`, maybe private, or another process's first send): the
 * transaction is rolled back and run again, now with the row to lock.
 */
class RoomAppeared extends Error {}

/** Runs of a batch when rooms keep appearing under it (each room appears once: a few suffice). */
const ATTEMPTS = 3;

/**
 * Stores a batch of messages (in arrival order) in ONE transaction, with a few
 * set-wise statements per room. Each message gets its own result: stored, or
 * refused by the rules. Throws on a database error (a concurrent writer's
 * conflict, say), which concerns the whole batch.
 */
export async function storeMessageBatch(db: Db, batch: readonly NewMessage[]): Promise<BatchResult[]> {
  const byRoom = new Map<string, number[]>();
  batch.forEach((m, i) => {
    const list = byRoom.get(m.room);
    if (list) list.push(i);
    else byRoom.set(m.room, [i]);
  });
  for (let attempt = 1; ; attempt++) {
    try {
      return await storeByRoom(db, batch, byRoom);
    } catch (error) {
      if (!(error instanceof RoomAppeared) || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function storeByRoom(
  db: Db,
  batch: readonly NewMessage[],
  byRoom: Map<string, number[]>,
): Promise<BatchResult[]> {
  const results: BatchResult[] = new Array(batch.length);
  const now = new Date().toISOString();
  const places: Places[] = [];
  // Rooms locked in one order (by name) on every process: two processes' batches never wait on each other in a
  // circle (PostgreSQL would detect a deadlock only after a second, then fail a batch).
  const rooms = [...byRoom].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  await db.transaction().execute(async (trx) => {
    for (const [room, indexes] of rooms) {
      const stored = await storeRoomBatch(
        trx,
        room,
        indexes.map((i) => batch[i]!),
        now,
      );
      for (const [j, r] of stored.results.entries()) results[indexes[j]!] = r;
      if (stored.places) places.push(stored.places);
    }
  });
  // Committed: the senders' places are what the database holds now.
  for (const p of places) rememberPlaces(db, p.room, p.lastSeq, p.places);
  return results;
}

/** A room's senders' newest places after a batch, and the room's `last_seq` then. */
interface Places {
  room: string;
  lastSeq: number;
  places: Map<number, number>;
}

async function storeRoomBatch(
  trx: Db,
  room: string,
  items: NewMessage[],
  now: string,
): Promise<{ results: BatchResult[]; places?: Places }> {
  const results: BatchResult[] = new Array(items.length);
  const { state } = await lockedRoomState(trx, room, items);
  const { admitted, refused, joining } = admit(
    room,
    state,
    items.map((m) => ({ senderId: m.sender.id, replyTo: m.replyTo, maxMembers: m.maxMembers })),
  );
  for (const [i, error] of refused) results[i] = { ok: false, error };
  if (admitted.length === 0) return { results };

  // The seqs: k at once, under the room row's lock (a new room is public, its first sender the owner).
  const k = admitted.length;
  const bumped = (await nextSeqsForMessages(trx, room, k, now, items[admitted[0]!]!.sender.id)).rows[0]!;
  if (state.visibility === null && (Number(bumped.last_seq) !== k || Number(bumped.member_count) !== 0)) {
    throw new RoomAppeared(`Room '${room}' was created while its batch was stored.`);
  }
  const joined = joining.size
    ? await joinBySending(trx, room, joining, Number(bumped.owner_id), now)
    : new Set<number>();
  const admittedItems = admitted.map((i) => items[i]!);
  const lastSeq = Number(bumped.last_seq);
  const senders = [...new Set(admittedItems.map((m) => m.sender.id))];
  const senderIndex = await senderPlaces(trx, room, senders, lastSeq - k);
  const stored = await insertMessages(trx, room, admittedItems, {
    firstSeq: lastSeq - k + 1,
    firstIndex: Number(bumped.message_count) - k + 1,
    now,
    senderIndex,
  });
  admitted.forEach((i, j) => {
    const sender = items[i]!.sender.id;
    // The first of a joiner's messages says they joined.
    results[i] = { ok: true, value: { message: stored[j]!, joined: joined.delete(sender) } };
  });
  return { results, places: { room, lastSeq, places: senderIndex } };
}
