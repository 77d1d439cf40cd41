/**
 * The room log's rows and what clients see of them: a message row as a
 * `Message` (current state) or as its own log entry (as sent), a change row as
 * its entry, and a change as the `data` column stores it. No I/O but the one
 * select every message read starts from.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../db/index.ts";
import type { ChangeEntry } from "../../shared/room-log.ts";
import type { MemberChange, Message, Reaction, RoomEntry, RoomName } from "../../shared/schemas.ts";

/** Who writes an entry: the id is stored, the name is what clients see. */
export interface Author {
  id: number;
  username: string;
}

/** A change to one message, as the caller asks it (the entry's other fields come from the log). */
export type Change =
  | { kind: "edit"; text: string }
  | { kind: "delete" }
  | { kind: "reaction"; emoji: string; added: boolean };

export interface MessageRow {
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

/** A `room_entry` row with its actor's name joined in. */
export interface ChangeRow {
  seq: number;
  kind: string;
  target: number;
  actor: string;
  data: string;
  created_at: string;
}

/** Messages as clients see them: the sender's name joined in (history, resume, search). */
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

/** A message in its current state. */
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
export const asSent = (r: MessageRow): Message => ({
  ...toMessage(r),
  text: Number(r.deleted) === 1 ? "" : (r.original_text ?? r.text),
  editedAt: null,
  deleted: false,
  reactions: [],
  attachments: [],
});

/** What a `room_entry` row's `data` column holds, whichever its kind. */
interface EntryData {
  text?: string;
  emoji?: string;
  added?: boolean;
  user?: string;
  change?: MemberChange;
  role?: "moderator" | "member";
}

/** A change or membership row as its log entry. */
export function toChangeEntry(r: ChangeRow): RoomEntry {
  const data = JSON.parse(r.data) as EntryData;
  const seq = Number(r.seq);
  const target = Number(r.target);
  if (r.kind === "edit")
    return { kind: "edit", seq, target, text: data.text ?? "", editedAt: r.created_at, by: r.actor };
  if (r.kind === "delete") return { kind: "delete", seq, target, deletedAt: r.created_at, by: r.actor };
  if (r.kind === "reaction")
    return { kind: "reaction", seq, target, emoji: data.emoji ?? "", user: r.actor, added: data.added === true };
  return {
    kind: "member",
    seq,
    user: data.user ?? "",
    change: data.change ?? "joined",
    ...(data.role ? { role: data.role } : {}),
    by: r.actor,
    at: r.created_at,
  };
}

/** What a change stores in its row's `data` column. */
export function changeData(change: Change): string {
  switch (change.kind) {
    case "edit":
      return JSON.stringify({ text: change.text });
    case "delete":
      return "{}";
    case "reaction":
      return JSON.stringify({ emoji: change.emoji, added: change.added });
  }
}

/** A change as the log entry clients receive. */
export function toEntry(seq: number, target: number, actor: string, at: string, change: Change): ChangeEntry {
  switch (change.kind) {
    case "edit":
      return { kind: "edit", seq, target, text: change.text, editedAt: at, by: actor };
    case "delete":
      return { kind: "delete", seq, target, deletedAt: at, by: actor };
    case "reaction":
      return { kind: "reaction", seq, target, emoji: change.emoji, user: actor, added: change.added };
  }
}

/** A message to store, as the write path takes it. */
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
  /** Ids of the sender's uploads, attached in this order in the message's transaction (server/files/). */
  attachments?: readonly string[] | undefined;
}
