/** The tables as Kysely sees them. Column types are what the driver returns. */
import type { Generated } from "kysely";

export interface UserTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  /** ISO-8601 UTC. */
  created_at: string;
}

export interface SessionTable {
  /** SHA-256 (hex) of the session token: the token itself is never stored. */
  id: string;
  user_id: number;
  /** Milliseconds since the epoch. */
  expires_at: number;
  /** When it was opened, ms since the epoch; null for sessions older than the column. */
  created_at: number | null;
}

export interface RoomTable {
  name: string;
  /** The seq of the room's newest message; the next one gets last_seq + 1. */
  last_seq: number;
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
}

export interface Database {
  user: UserTable;
  session: SessionTable;
  room: RoomTable;
  message: MessageTable;
}
