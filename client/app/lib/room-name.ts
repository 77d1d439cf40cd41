/** The index page's room field: what the person typed, checked by the same schema the server uses. */
import { RoomName } from "../../../shared/schemas.ts";

export type RoomNameCheck = { ok: true; name: string } | { ok: false; error: string };

export function checkRoomName(input: string): RoomNameCheck {
  const parsed = RoomName.safeParse(input.trim());
  if (parsed.success) return { ok: true, name: parsed.data };
  return { ok: false, error: parsed.error.issues[0]?.message ?? "This is not a valid room name." };
}

/** The room page's path. Room names are URL-safe by their schema; encoding is belt and braces. */
export const roomPath = (name: string) => `/room/${encodeURIComponent(name)}/`;

/** The room name in a path segment: the router hands it over still percent-encoded (a direct conversation's `dm%3A1%3A2`). */
export function roomFromPath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Where the room page of path segment `segment` belongs when the name is not
 * written in its one canonical form (`General`, `%23general`): `/room/general/`;
 * null when it already is, or is no room name at all (the page says so).
 */
export function canonicalRoomPath(segment: string): string | null {
  const typed = roomFromPath(segment);
  const check = checkRoomName(typed);
  return check.ok && check.name !== typed ? roomPath(check.name) : null;
}

/** The room a page's path shows (`/room/plans/` → "plans"), or null on any other page. */
export function roomOfPath(pathname: string): string | null {
  const match = /^\/room\/([^/]+)\/?$/.exec(pathname);
  return match ? roomFromPath(match[1]!) : null;
}
