/**
 * GET /api/messages/<room>/?before=<seq>&limit=<n>: a room's history as plain
 * JSON, for clients that do not speak tRPC. Same rules and same page as room.history:
 * messages in their current state (edits applied, deletes as tombstones, reactions).
 */
import { HistoryInput, type Message } from "../../shared/schemas.ts";
import type { RoomLog } from "../chat/room-log.ts";
import { roomNotFound } from "../rooms/access.ts";
import type { Rooms } from "../rooms/rooms.ts";

export interface MessagesResponse {
  room: string;
  messages: Message[];
  nextCursor: number | null;
}

export interface ErrorResponse {
  error: string;
}

/** Query-string numbers: digits only, so "", "1e3" and "0x10" are refused rather than coerced. */
function queryNumbers(query: Record<string, string | undefined>, names: readonly string[]) {
  const values: Record<string, number | undefined> = {};
  const problems: string[] = [];
  for (const name of names) {
    const v = query[name];
    if (v === undefined) continue;
    if (/^\d{1,16}$/.test(v)) values[name] = Number(v);
    else problems.push(`${name}: '${name}' is a whole number.`);
  }
  return { values, problems };
}

/**
 * The page for `user` (from the session cookie or a bearer token; null: a
 * guest). A private room they are not in answers 404, worded as for a name never used.
 */
export async function getRoomMessages(
  services: { chat: RoomLog; rooms: Rooms },
  user: { id: number } | null,
  room: string,
  query: Record<string, string | undefined>,
): Promise<{ status: 200; body: MessagesResponse } | { status: 400 | 404; body: ErrorResponse }> {
  const numbers = queryNumbers(query, ["before", "limit"]);
  const parsed = HistoryInput.safeParse({ room, ...numbers.values });
  if (!parsed.success || numbers.problems.length) {
    const issues = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    return { status: 400, body: { error: [...issues, ...numbers.problems].join("; ") } };
  }
  const access = await services.rooms.access(parsed.data.room, user);
  if (!services.rooms.canSee(access)) return { status: 404, body: { error: roomNotFound(parsed.data.room).message } };
  const page = await services.chat.history(parsed.data);
  return { status: 200, body: { room: parsed.data.room, ...page } };
}
