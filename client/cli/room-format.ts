/**
 * How the CLI prints rooms as places: a room's facts, its members with their
 * roles, and the list of your rooms with what you have not read. Everything
 * the server sent goes through `printable` (names, topics, times).
 */

import type { RouterOutputs } from "@parlor/client";
import { english, type Translate } from "../../shared/i18n/index.ts";
import type { RoomUnread } from "../../shared/schemas.ts";
import { printable } from "./format.ts";

type RoomInfo = RouterOutputs["room"]["info"];
type Member = RouterOutputs["room"]["members"][number];
type MyRoom = RouterOutputs["room"]["mine"][number];
type ActiveRoom = RouterOutputs["room"]["active"][number];

/** What kind of room, locked if only its members see it: `public`, `🔒 private`, `🔒 with bob`. */
export function roomKind(
  room: { visibility: "public" | "private"; direct: boolean },
  partner?: string,
  t: Translate = english,
): string {
  if (room.direct) return partner ? t("cli.kindWith", { user: printable(partner) }) : t("cli.kindDirect");
  return room.visibility === "private" ? t("cli.kindPrivate") : t("cli.kindPublic");
}

/** A role as the reader's language names it: "moderator", "moderador". */
export function roleName(role: "owner" | "moderator" | "member", t: Translate = english): string {
  return t(
    role === "owner"
      ? "moderation.roleOwner"
      : role === "moderator"
        ? "moderation.roleModerator"
        : "moderation.roleMember",
  );
}

/** `plans (🔒 private)`, then one fact a line: topic, owner, members, your role. */
export function formatRoomInfo(info: RoomInfo, t: Translate = english): string {
  return [
    `${printable(info.room)} (${roomKind(info, undefined, t)})`,
    t("cli.infoTopic", { topic: info.topic ? printable(info.topic) : t("cli.none") }),
    t("cli.infoOwner", { owner: printable(info.owner) }),
    t("cli.infoMembers", { count: info.members }),
    t("cli.infoYou", { role: info.role ? roleName(info.role, t) : t("cli.notMember") }),
  ].join("\n");
}

/** `ann\towner`, or with a display name `ann\towner\tAnn Lee`. */
export const formatMember = (m: Member, t: Translate = english) =>
  `${printable(m.username)}\t${roleName(m.role, t)}${m.displayName ? `\t${printable(m.displayName)}` : ""}`;

/** `3 unread, 1 mention`, or `no unread`. */
export function unreadCounts(r: Pick<RoomUnread, "unread" | "mentions">, t: Translate = english): string {
  if (r.unread === 0 && r.mentions === 0) return t("cli.noUnread");
  return r.mentions
    ? t("cli.unreadMentions", { unread: r.unread, count: r.mentions })
    : t("cli.unread", { unread: r.unread });
}

export interface YourRoom {
  unread: RoomUnread;
  /** From `room.mine`: your role and the topic (absent for a room joined since it was read). */
  mine?: MyRoom;
  /** The other person of a direct conversation. */
  partner?: string;
}

/** `plans\t🔒 private\t3 unread, 1 mention\towner\tlast 2026-…\tQ1 planning`. */
export function formatYourRoom({ unread, mine, partner }: YourRoom, t: Translate = english): string {
  const fields = [printable(unread.room), roomKind(unread, partner, t), unreadCounts(unread, t)];
  if (mine) fields.push(roleName(mine.role, t));
  fields.push(t("cli.lastAt", { when: printable(unread.lastMessageAt) }));
  if (mine?.topic) fields.push(printable(mine.topic));
  return fields.join("\t");
}

/** `gathering\t1 message\t1 here now\tlast 2026-…`. */
export const formatActiveRoom = (r: ActiveRoom, t: Translate = english) =>
  [
    printable(r.name),
    t("cli.messages", { count: r.messages }),
    t("cli.hereNow", { count: r.present }),
    t("cli.lastAt", { when: printable(r.lastMessageAt) }),
  ].join("\t");
