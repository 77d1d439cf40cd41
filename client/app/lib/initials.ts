/**
 * A face for a person without a picture: up to two initials from how they are
 * called, on a colour chosen from their username — so the same person has the
 * same colour on every page and every device, and a new display name changes
 * the letters but not the colour. Pure, so `bun test` covers it.
 */

/**
 * Background colours for white initials. Every one has a contrast ratio of at
 * least 4.5:1 with white (WCAG AA for normal text; tests/unit/web-people.test.ts
 * checks it), in both themes: the avatar carries its own background.
 */
export const AVATAR_COLOURS = [
  "#b3261e", // red
  "#9c4a00", // orange
  "#6f5c00", // olive
  "#2e6b00", // green
  "#00695c", // teal
  "#0b5cad", // blue
  "#4a4fb5", // indigo
  "#7b3fa0", // purple
  "#a3206b", // magenta
  "#5f6368", // grey
] as const;

/** A letter or digit (any script), which is what an initial is made of. */
const WORD_START = /[\p{L}\p{N}]/u;

/**
 * "Ann Smith" → "AS", "ann" → "A", "jean-luc picard" → "JP", "李小龙" → "李".
 * The first letter of the first word and of the last; one letter for a single
 * word; "?" when there is no letter at all (a name of symbols).
 */
export function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/[\s_.-]+/u)
    .map((w) => Array.from(w).find((c) => WORD_START.test(c)))
    .filter((c): c is string => c !== undefined);
  if (words.length === 0) return "?";
  const first = words[0]!;
  const last = words.length > 1 ? words[words.length - 1]! : "";
  return (first + last).toLocaleUpperCase();
}

/** FNV-1a over the lower-cased username's UTF-16 units: small, stable, spreads close names apart. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The avatar colour of `username`: the same for the same person (usernames are unique regardless of case). */
export function avatarColourOf(username: string): string {
  return AVATAR_COLOURS[hash(username.toLowerCase()) % AVATAR_COLOURS.length]!;
}
