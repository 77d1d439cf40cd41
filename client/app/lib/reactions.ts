/** Reactions as the room page shows them: the quick picks, the "any emoji" check, one chip per emoji. */
import { english, type Translate } from "../../../shared/i18n/index.ts";
import { Emoji, type Reaction } from "../../../shared/schemas.ts";
import { listNames } from "./presence.ts";

/** Offered in one click; anything else goes through the "any emoji" box. */
export const QUICK_EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢"] as const;

/** The emoji typed in the "any emoji" box, trimmed, or why it cannot be one (the server's own rule), in the reader's language. */
export function checkEmoji(
  input: string,
  t: Translate = english,
): { ok: true; emoji: string } | { ok: false; error: string } {
  const parsed = Emoji.safeParse(input.trim());
  if (parsed.success) return { ok: true, emoji: parsed.data };
  return { ok: false, error: t(input.trim() === "" ? "emoji.typeOne" : "emoji.notOne") };
}

export interface ReactionChip {
  emoji: string;
  count: number;
  /** Whether `self` is among those who reacted: the chip is pressed, and clicking takes it back. */
  mine: boolean;
  /** Who reacted, for the tooltip: "you, ann and bob", "ann, bob and 3 others". */
  who: string;
}

/** Names for a tooltip, yourself first as "you": "you, ann and bob"; past `max` names, "… and N others". */
export function reactedBy(t: Translate, users: readonly string[], self: string | null | undefined, max = 8): string {
  const mine = self != null && users.includes(self);
  return listNames(t, mine ? [t("presence.you"), ...users.filter((u) => u !== self)] : users, max);
}

/** One chip per emoji, in the order the emoji were first added. */
export function reactionChips(
  t: Translate,
  reactions: readonly Reaction[],
  self: string | null | undefined,
): ReactionChip[] {
  return reactions.map((r) => ({
    emoji: r.emoji,
    count: r.users.length,
    mine: self != null && r.users.includes(self),
    who: reactedBy(t, r.users, self),
  }));
}
