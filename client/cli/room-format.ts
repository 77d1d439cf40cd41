/**
 * How the CLI prints rooms as places: a room's facts, its members with their
 * roles, and the list of your rooms with what you have not read. Everything
 * the server sent goes through `printable` (names, topics, times).
 */

import type { RouterOutputs } from "@parlor/client";
import type { RoomUnread } from "../../shared/schemas.ts";
import { printable } from "./format.ts";

type RoomInfo = RouterOutputs["room"]["info"];
type Member = RouterOutputs["room"]["members"][number];
type MyRoom = RouterOutputs["room"]["mine"][number];
type ActiveRoom = RouterOutputs["room"]["active"][number];

/** What kind of room, locked if only its members see it: `public`, `🔒 private`, `🔒 with bob`. */
export function roomKind(room: { visibility: "public" | "private"; direct: boolean }, partner?: string): string {
  if (room.direct) return partner ? `🔒 with ${printable(partner)}` : "🔒 direct";
  return room.visibility === "private" ? "🔒 private" : "public";
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `plans (🔒 private)`, then one fact a line: topic, owner, members, your role. */
export function formatRoomInfo(info: RoomInfo): string {
  return [
    `${printable(info.room)} (${roomKind(info)})`,
    `topic: ${info.topic ? printable(info.topic) : "(none)"}`,
    `owner: ${printable(info.owner)}`,
    `members: ${info.members}`,
    `you: ${info.role ?? "not a member"}`,
  ].join("\n");
}

/** `ann\towner`. */
/** `ann\towner`, or with a display name `ann\towner\tAnn Lee`. */
export const formatMember = (m: Member) =>
  `${printable(m.username)}\t${m.role}${m.displayName ? `\t${printable(m.displayName)}` : ""}`;

/** `3 unread, 1 mention`, or `no unread`. */
export function unreadCounts(r: Pick<RoomUnread, "unread" | "mentions">): string {
  if (r.unread === 0 && r.mentions === 0) return "no unread";
  return r.mentions ? `${r.unread} unread, ${plural(r.mentions, "mention")}` : `${r.unread} unread`;
}

export interface YourRoom {
  unread: RoomUnread;
  /** From `room.mine`: your role and the topic (absent for a room joined since it was read). */
  mine?: MyRoom;
  /** The other person of a direct conversation. */
  partner?: string;
}

/** `plans\t🔒 private\t3 unread, 1 mention\towner\tlast 2026-…\tQ1 planning`. */
export function formatYourRoom({ unread, mine, partner }: YourRoom): string {
  const fields = [printable(unread.room), roomKind(unread, partner), unreadCounts(unread)];
  if (mine) fields.push(mine.role);
  fields.push(`last ${printable(unread.lastMessageAt)}`);
  if (mine?.topic) fields.push(printable(mine.topic));
  return fields.join("\t");
}

/** `gathering\t1 message\t1 here now\tlast 2026-…`. */
export const formatActiveRoom = (r: ActiveRoom) =>
  `${printable(r.name)}\t${plural(r.messages, "message")}\t${r.present} here now\tlast ${printable(r.lastMessageAt)}`;
