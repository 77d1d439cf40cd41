/**
 * Membership entries of the room log (`kind: "member"`) as the timeline shows
 * them: one short sentence each, "ben joined", "ann made ben a moderator".
 */
import type { RoomEntry } from "../../../shared/schemas.ts";

export type MemberEntry = Extract<RoomEntry, { kind: "member" }>;

export const isMemberEntry = (entry: RoomEntry): entry is MemberEntry => entry.kind === "member";

export function describeMemberEntry(entry: MemberEntry): string {
  const { user, by } = entry;
  switch (entry.change) {
    case "joined":
      return `${user} joined`;
    case "left":
      return `${user} left`;
    case "invited":
      return `${by} added ${user}`;
    case "kicked":
      return `${by} removed ${user}`;
    case "banned":
      return `${by} banned ${user}`;
    case "unbanned":
      return `${by} unbanned ${user}`;
    case "role":
      return entry.role === "moderator" ? `${by} made ${user} a moderator` : `${by} made ${user} a member`;
  }
}
