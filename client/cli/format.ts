/** How the CLI prints messages: one line each, oldest at the top, like a terminal chat. */
import type { RoomEntry } from "../../shared/schemas.ts";
import type { RouterOutputs } from "../parlor-client.ts";

type Message = RouterOutputs["room"]["send"];

/**
 * `[2026-11-23 14:05:09] #12 ann: hello` (local time), in its current state:
 * `#13 bob ↪ #12: hi (edited) [👍 2]`, `#14 ann: (deleted)`.
 */
export function formatMessage(m: Message): string {
  const t = new Date(m.timestamp);
  const pad = (n: number) => String(n).padStart(2, "0");
  const when = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
  // Multi-line messages stay readable and cannot forge a line that looks like another message.
  const text = m.text.replaceAll("\n", "\n    ");
  const reply = m.replyTo === null ? "" : ` ↪ #${m.replyTo}`;
  const body = m.deleted ? "(deleted)" : m.editedAt ? `${text} (edited)` : text;
  const reactions = m.reactions.length ? ` [${m.reactions.map((r) => `${r.emoji} ${r.users.length}`).join(", ")}]` : "";
  return `[${when}] #${m.seq} ${m.sender}${reply}: ${body}${reactions}`;
}

/** A change entry of the live stream, e.g. `#14 ann edited #12: hello again`, `#15 bob reacted 👍 to #12`. */
export function formatChange(e: Exclude<RoomEntry, { kind: "message" }>): string {
  switch (e.kind) {
    case "member":
      return `#${e.seq} ${formatMemberChange(e)}`;
    case "edit":
      return `#${e.seq} ${e.by} edited #${e.target}: ${e.text.replaceAll("\n", "\n    ")}`;
    case "delete":
      return `#${e.seq} ${e.by} deleted #${e.target}`;
    case "reaction":
      return `#${e.seq} ${e.user} ${e.added ? "reacted" : "took back"} ${e.emoji} ${e.added ? "to" : "on"} #${e.target}`;
  }
}

/** `ann joined`, `bob was kicked by ann`, `ann made bob a moderator`. */
export function formatMemberChange(e: Extract<RoomEntry, { kind: "member" }>): string {
  switch (e.change) {
    case "joined":
      return `${e.user} joined`;
    case "left":
      return `${e.user} left`;
    case "invited":
      return `${e.user} was invited by ${e.by}`;
    case "kicked":
      return `${e.user} was removed by ${e.by}`;
    case "banned":
      return `${e.user} was banned by ${e.by}`;
    case "unbanned":
      return `${e.user} was unbanned by ${e.by}`;
    case "role":
      return `${e.by} made ${e.user} ${e.role === "moderator" ? "a moderator" : "a member"}`;
  }
}
