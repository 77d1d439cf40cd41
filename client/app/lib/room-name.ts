/** The index page's room field: what the person typed, checked by the same schema the server uses. */
import type { Translate } from "../../../shared/i18n/index.ts";
import { canonicalRoomName, DM_ROOM, ROOM_NAME_MAX, RoomName } from "../../../shared/schemas.ts";

export type RoomNameCheck = { ok: true; name: string } | { ok: false; error: string };

/** A typed room name, canonical, or why it is refused, in the reader's language (the schema's checks, in its order). */
export function checkRoomName(t: Translate, input: string): RoomNameCheck {
  const parsed = RoomName.safeParse(input.trim());
  if (parsed.success) return { ok: true, name: parsed.data };
  return { ok: false, error: roomNameProblem(t, parsed.error.issues[0]?.code, canonicalRoomName(input.trim())) };
}

/** Which of RoomName's checks refused `name`: the bounds by the issue's code, the refinements by testing again. */
function roomNameProblem(t: Translate, code: string | undefined, name: string): string {
  if (code === "too_small") return t("roomName.empty");
  if (code === "too_big") return t("roomName.tooLong", { count: ROOM_NAME_MAX });
  if (code !== "custom") return t("roomName.invalid");
  if (!/^[a-z0-9._-]*$/.test(name) && !DM_ROOM.test(name)) return t("roomName.characters");
  if (name.includes("..")) return t("roomName.dots");
  return t("roomName.dotAlone");
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
  const check = RoomName.safeParse(typed.trim());
  return check.success && check.data !== typed ? roomPath(check.data) : null;
}

/** The room a page's path shows (`/room/plans/` → "plans"), or null on any other page. */
export function roomOfPath(pathname: string): string | null {
  const match = /^\/room\/([^/]+)\/?$/.exec(pathname);
  return match ? roomFromPath(match[1]!) : null;
}
