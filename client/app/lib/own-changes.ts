/**
 * What this page's own edit, delete or reaction changed, folded into its log as
 * soon as the server answers, through the same fold as the live stream.
 *
 * The answer is the message as of *this* change's commit. Replacing the held
 * copy with it could undo a later change that the live stream (another socket,
 * which may be ahead of the HTTP answer) already brought. So the answer is
 * turned back into the one change it confirms and folded onto what is held:
 * when the live copy of the entry arrives, folding it again changes nothing.
 */
import type { ChangeEntry } from "../../../shared/room-log.ts";
import { findMessage, type Message, type MessageLog, withLiveEntry } from "./message-log.ts";

export type OwnChange =
  /** `room.edit` answered with `message`. */
  | { kind: "edit"; message: Message }
  /** `room.delete` of `seq` answered ok. */
  | { kind: "delete"; seq: number }
  /** `room.react` by `user` with `emoji` answered with `message`. */
  | { kind: "reaction"; message: Message; emoji: string; user: string };

/** The change entry an answer confirms; null when what is held already went past it. */
export function confirmedChange(held: Message, change: OwnChange): ChangeEntry | null {
  // seq 0: no entry of the log has it; the fold never reads the seq of a change.
  switch (change.kind) {
    case "edit": {
      const { text, editedAt, sender } = change.message;
      // A later edit (from another tab) or a delete already arrived: the answer is older news.
      if (held.deleted || editedAt === null || (held.editedAt !== null && held.editedAt > editedAt)) return null;
      return { kind: "edit", seq: 0, target: held.seq, text, editedAt, by: sender };
    }
    case "delete":
      return { kind: "delete", seq: 0, target: held.seq, deletedAt: "", by: held.sender };
    case "reaction": {
      const added = change.message.reactions.some((r) => r.emoji === change.emoji && r.users.includes(change.user));
      return { kind: "reaction", seq: 0, target: held.seq, emoji: change.emoji, user: change.user, added };
    }
  }
}

/** The log with an own change folded in; the same log when it changes nothing there. */
export function withOwnChange(log: MessageLog, change: OwnChange): MessageLog {
  const held = findMessage(log, change.kind === "delete" ? change.seq : change.message.seq);
  if (!held) return log;
  const entry = confirmedChange(held, change);
  return entry ? withLiveEntry(log, entry) : log;
}
