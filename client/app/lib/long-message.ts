/**
 * Which messages start collapsed behind "Show more": one that would take more
 * than about a screenful of the timeline. Decided from the text (lines and
 * length), so it is the same before and after images load and `bun test` covers it.
 */

/** More lines than this (a code block's lines count) collapse. */
export const COLLAPSE_LINES = 14;
/** More characters than this collapse, however they wrap. */
export const COLLAPSE_CHARS = 1_200;

export function isLongMessage(text: string, { lines = COLLAPSE_LINES, chars = COLLAPSE_CHARS } = {}): boolean {
  if (text.length > chars) return true;
  let count = 1;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) if (++count > lines) return true;
  return false;
}
