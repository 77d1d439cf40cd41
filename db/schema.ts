/** The tables as Kysely sees them. Column types are what the driver returns. */
import type { Generated } from "kysely";

export interface UserTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  /** ISO-8601 UTC. */
  created_at: string;
  /** How they want to be called (1–64 characters); null: none set. */
  display_name: Generated<string | null>;
  /** Their picture: one of their uploads, an image (its thumbnail is public while worn); null: none. */
  avatar_id: Generated<string | null>;
  /** The language they chose ("en", "es"); null: their browser's. */
  language: Generated<string | null>;
}

export interface SessionTable {
  /** SHA-256 (hex) of the session token: the token itself is never stored. */
  id: string;
  user_id: number;
  /** Milliseconds since the epoch. */
  expires_at: number;
  /** When it was opened, ms since the epoch; null for sessions older than the column. */
  created_at: number | null;
  /** Parsed from the User-Agent at sign-in ("Firefox 121", "Windows 10"); null: unknown or older than the columns. */
  browser: Generated<string | null>;
  system: Generated<string | null>;
  /** The client's network at sign-in: "203.0.113.x" (IPv4 /24) or "2001:db8:1::x" (IPv6 /48). */
  address: Generated<string | null>;
  /** Last used, ms since the epoch; written at most once a minute. */
  last_active_at: Generated<number | null>;
}

export interface RoomTable {
  name: string;
  /** The seq of the room's newest log entry; the next one gets last_seq + 1. */
  last_seq: number;
  /** Messages in the room (entries of kind "message"). */
  message_count: Generated<number>;
  visibility: Generated<"public" | "private">;
  topic: Generated<string | null>;
  /** Who created it (for a public room created by its first message: that message's sender). */
  owner_id: Generated<number | null>;
  /** Rows of room_member for it. */
  member_count: Generated<number>;
  /** 1: a direct-message room. */
  direct: Generated<number>;
  /** ISO-8601 UTC; null for rooms older than the rooms migration. */
  created_at: Generated<string | null>;
  /** ISO-8601 UTC of the newest message. */
  last_message_at: string;
}

export interface MessageTable {
  id: Generated<number>;
  room: string;
  seq: number;
  sender_id: number;
  text: string;
  /** ISO-8601 UTC. */
  created_at: string;
  /** The sender's id for this send, so a retry finds the stored message instead of storing another. */
  client_id: string | null;
  /** ISO-8601 UTC of the latest edit. */
  edited_at: Generated<string | null>;
  /** 1 once deleted (the text is then ""). */
  deleted: Generated<number>;
  /** Seq of the message this one answers. */
  reply_to: Generated<number | null>;
  /** JSON: [{ emoji, users: [username, …] }, …], in the order each emoji was first added. */
  reactions: Generated<string>;
  /** The text as sent, kept from the first edit on (null: never edited). */
  original_text: Generated<string | null>;
  /** Its place among the room's messages: 1, 2, 3, … (for unread counts without a scan). */
  msg_index: Generated<number | null>;
  /** Its place among its sender's messages in the room. */
  sender_index: Generated<number | null>;
}

/** How far a user has read a room: every entry up to `seq` is seen. */
export interface ReadMarkerTable {
  user_id: number;
  room: string;
  seq: number;
}

/** A message at `seq` of `room` names `user_id` as `@username`. */
export interface MentionTable {
  user_id: number;
  room: string;
  seq: number;
}

/** A change to a message (edit, delete, reaction): the log's entries that are not messages. */
export interface RoomEntryTable {
  room: string;
  seq: number;
  kind: "edit" | "delete" | "reaction" | "member";
  /** The seq of the message it changes (0 for a membership change). */
  target: number;
  /** Who made the change. */
  actor_id: number;
  /** JSON: { text } for an edit, { emoji, added } for a reaction, {} for a delete, { user, change, role? } for a member. */
  data: string;
  /** ISO-8601 UTC. */
  created_at: string;
}

export interface RoomMemberTable {
  room: string;
  user_id: number;
  role: "owner" | "moderator" | "member";
  /** ISO-8601 UTC. */
  joined_at: string;
}

export interface RoomBanTable {
  room: string;
  user_id: number;
  /** Who banned them. */
  by_id: number;
  /** ISO-8601 UTC. */
  created_at: string;
}

/** A file as uploaded: its bytes are in the Storage under `storage_key` (server/files/). */
export interface UploadTable {
  /** Long and random (it is in the file's URL). */
  id: string;
  uploader_id: number;
  /** The name as uploaded, without any path. */
  name: string;
  /** Sniffed from the bytes; application/octet-stream when unknown. */
  type: string;
  /** Bytes as stored (image metadata removed). */
  size: number;
  width: number | null;
  height: number | null;
  storage_key: string;
  thumbnail_key: string | null;
  /** Milliseconds since the epoch. */
  created_at: number;
  /** The message it is attached to; null until then. */
  message_id: number | null;
  /** Its place among the message's files. */
  position: number | null;
}

export interface Database {
  user: UserTable;
  session: SessionTable;
  room: RoomTable;
  message: MessageTable;
  room_entry: RoomEntryTable;
  room_member: RoomMemberTable;
  room_ban: RoomBanTable;
  read_marker: ReadMarkerTable;
  mention: MentionTable;
  upload: UploadTable;
}
