/**
 * Writing the log's other entries: a change to one message (edit, delete,
 * reaction), stored with the message's new state in one transaction, and a
 * membership change, appended in the transaction that makes it. Each takes the
 * room's next seq by bumping the room row, which locks it until the commit.
 */
import { sql } from "kysely";
import type { Db } from "../../db/index.ts";
import { prepare } from "../../db/prepared.ts";
import { applyChange, type ChangeEntry } from "../../shared/room-log.ts";
import type { MemberChange, Message, RoomEntry, RoomName } from "../../shared/schemas.ts";
import { NotFoundError } from "../errors/domain-errors.ts";
import { withAttachments } from "../files/repository.ts";
import { messageAt } from "./log-reader.ts";
import { type Author, type Change, changeData, toEntry, toMessage } from "./log-rows.ts";
import { clearMentions, recordMessageMentions } from "./mentions.ts";

/** The message a change targets, with what the rules need to know about it. */
export interface Target {
  message: Message;
  senderId: number;
}

/** Takes the room's next seq for a change; no row: the room does not exist. */
const nextSeqForChange = prepare((db, room: string) =>
  db.updateTable("room").set({ last_seq: sql<number>`last_seq + 1` }).where("name", "=", room).returning("last_seq"),
);

const insertEntry = prepare(
  (
    db,
    room: string,
    seq: number,
    kind: ChangeEntry["kind"] | "member",
    target: number,
    actorId: number,
    data: string,
    now: string,
  ) => db.insertInto("room_entry").values({ room, seq, kind, target, actor_id: actorId, data, created_at: now }),
);

// The search index (db/migrations/2026-12-01T06-search.ts) follows this row in the same
// transaction: SQLite triggers on message.text/deleted, a generated column on PostgreSQL.
const updateMessageState = prepare(
  (
    db,
    room: string,
    seq: number,
    text: string,
    editedAt: string | null,
    deleted: number,
    reactions: string,
    originalText: string | null,
  ) =>
    db
      .updateTable("message")
      .set({ text, edited_at: editedAt, deleted, reactions, original_text: originalText })
      .where("room", "=", room)
      .where("seq", "=", seq),
);

/** A deleted message's edits lose their text too: nothing it said stays in the log. */
const scrubEdits = prepare((db, room: string, target: number, data: string) =>
  db
    .updateTable("room_entry")
    .set({ data })
    .where("room", "=", room)
    .where("target", "=", target)
    .where("kind", "=", "edit"),
);

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
      if (!bumped || !row)
        throw new NotFoundError(`Room '${q.room}' has no message ${q.target}.`, { reason: "noSuchMessage" });
      const current = (await withAttachments(trx, [toMessage(row)]))[0]!;
      const change = q.decide({ message: current, senderId: Number(row.sender_id) });
      if (!change) throw new Unchanged(current);
      const seq = Number(bumped.last_seq);
      const entry = toEntry(seq, q.target, q.actor.username, now, change);
      const next = applyChange(current, entry);
      const deleted = next.deleted ? 1 : 0;
      // The text as sent is kept from the first edit on, and goes with a delete.
      const originalText = next.deleted
        ? null
        : change.kind === "edit"
          ? (row.original_text ?? row.text)
          : row.original_text;
      await updateMessageState(
        trx,
        q.room,
        q.target,
        next.text,
        next.editedAt,
        deleted,
        JSON.stringify(next.reactions),
        originalText,
      );
      await insertEntry(trx, q.room, seq, entry.kind, q.target, q.actor.id, changeData(change), now);
      if (change.kind === "delete") await scrubEdits(trx, q.room, q.target, JSON.stringify({ text: "" }));
      // Who it mentions follows its text: an edit may add or drop a name, a delete drops them all.
      if (change.kind !== "reaction") {
        await clearMentions(trx, q.room, q.target);
        if (change.kind === "edit")
          await recordMessageMentions(trx, {
            room: q.room,
            seq: q.target,
            senderId: Number(row.sender_id),
            text: change.text,
            replyTo: current.replyTo,
          });
      }
      return { message: next, entry };
    });
  } catch (error) {
    if (error instanceof Unchanged) return { message: error.message, entry: null };
    throw error;
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
  return {
    kind: "member",
    seq,
    user: q.user,
    change: q.change,
    ...(q.role ? { role: q.role } : {}),
    by: q.actor.username,
    at: now,
  };
}
