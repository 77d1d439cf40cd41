/**
 * The wording of a membership entry of the room log (`kind: "member"`): one
 * short sentence, the one who acted first — "ben joined", "ann added ben",
 * "ann made ben a moderator". The web timeline shows it as a notice and the
 * CLI prints it after the entry's seq, so both say the same thing.
 * Pure and isomorphic; the CLI escapes it for the terminal.
 */
import type { MemberEntry } from "./room-log.ts";

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
      return `${by} made ${user} ${entry.role === "moderator" ? "a moderator" : "a member"}`;
  }
}
