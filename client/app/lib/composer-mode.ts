/**
 * What the composer is doing: writing a new message, a reply to one, or an
 * edit of one of your own. Edits happen in the composer: it takes the
 * message's text, and gives back the draft it held when the edit ends.
 * Pure values and functions, so `bun test` covers the rules the keys follow.
 */
import { english, type Translate } from "../../../shared/i18n/index.ts";
import type { Message } from "./message-log.ts";

export type ComposerMode =
  | { kind: "new" }
  | { kind: "reply"; to: number }
  | { kind: "edit"; seq: number; original: string /** The draft to give back on Save or Cancel. */; draft: string };

export const newMessage: ComposerMode = Object.freeze({ kind: "new" });

/** Your newest message that can still be edited (not deleted), for ↑ in an empty composer. */
export function lastEditable(messages: readonly Message[], self: string | null | undefined): Message | undefined {
  if (!self) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.sender === self && !m.deleted) return m;
  }
  return undefined;
}

/** Starting an edit of `message` while the composer holds `draft` (kept for when the edit ends). */
export function startEdit(mode: ComposerMode, message: Message, draft: string): ComposerMode {
  // Switching from one edit to another gives back the draft from before the first.
  const kept = mode.kind === "edit" ? mode.draft : draft;
  return { kind: "edit", seq: message.seq, original: message.text, draft: kept };
}

/**
 * What Esc does: an edit or a reply is cancelled (the edit gives back the draft
 * from before it); a new message keeps its draft. Null when Esc has nothing to cancel.
 */
export function leaveMode(mode: ComposerMode, current: string): { mode: ComposerMode; text: string } | null {
  if (mode.kind === "new") return null;
  return { mode: newMessage, text: mode.kind === "edit" ? mode.draft : current };
}

/**
 * The mode once the message it concerns changed in the log: an edit or a reply
 * of a message deleted meanwhile (in another tab, or by its sender) ends, with
 * a word for the person; anything else stays as it is.
 */
export function afterLogChange(
  mode: ComposerMode,
  messages: (seq: number) => Message | undefined,
  t: Translate = english,
): { mode: ComposerMode; notice?: string } {
  if (mode.kind === "new") return { mode };
  const target = messages(mode.kind === "edit" ? mode.seq : mode.to);
  if (!target?.deleted) return { mode };
  return {
    mode: newMessage,
    notice: mode.kind === "edit" ? t("composer.editTargetDeleted") : t("composer.replyTargetDeleted"),
  };
}
