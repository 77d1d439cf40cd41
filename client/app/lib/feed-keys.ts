/**
 * What a key does on a message of the timeline, which is a WAI-ARIA feed: one
 * Tab stop, the arrows (and Page Up / Page Down, as the pattern has them) move
 * between messages, Home / End go to the first / last one loaded, Enter opens
 * the message's actions, Ctrl+Home / Ctrl+End leave the feed before / after it.
 * Pure, so the rules are tested without a browser (feed-focus.ts applies them).
 */

/** The parts of a KeyboardEvent the rules read. */
export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
}

export type FeedMove =
  /** Focus the message at this index (already clamped to the messages loaded). */
  | { kind: "focus"; index: number }
  /** Open the focused message's actions (their controls join the Tab order, the first one takes the focus). */
  | { kind: "open" }
  /** Leave the feed: focus the first control before or after it. */
  | { kind: "leave"; to: "before" | "after" };

/** The move for `key` pressed on the message at `index` of `count`; null: not the feed's key (the browser's, or the app's like Alt+↑). */
export function feedKey(key: KeyPress, index: number, count: number): FeedMove | null {
  // Alt+↑/↓ switch rooms; Shift and Meta combinations are the browser's.
  if (key.altKey || key.metaKey || key.shiftKey || count === 0) return null;
  const to = (i: number): FeedMove => ({ kind: "focus", index: Math.min(count - 1, Math.max(0, i)) });
  if (key.ctrlKey) {
    if (key.key === "Home") return { kind: "leave", to: "before" };
    if (key.key === "End") return { kind: "leave", to: "after" };
    return null;
  }
  switch (key.key) {
    case "ArrowUp":
    case "PageUp":
      return to(index - 1);
    case "ArrowDown":
    case "PageDown":
      return to(index + 1);
    case "Home":
      return to(0);
    case "End":
      return to(count - 1);
    case "Enter":
      return { kind: "open" };
    default:
      return null;
  }
}
