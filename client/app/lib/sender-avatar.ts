/**
 * The placeholder face of a sender who has no picture: one or two initials on
 * a colour picked from the name, so the same person always looks the same.
 * Every colour carries white text at ≥ 4.5:1 (WCAG AA) in both themes.
 */

/** Dark enough for white initials: each checked at ≥ 5:1 against #fff. */
export const AVATAR_COLOURS = [
  "#b3261e",
  "#1f6f43",
  "#1a5fb4",
  "#8a3ffc",
  "#a3446a",
  "#0b6e78",
  "#8c4a00",
  "#5b5f97",
] as const;

/**
 * "ann" → "A", "Ann Lee" → "AL", "ben_smith" → "BS": the first letters of the first two words (split at
 * spaces, '_', '-', '.'); a second word that does not start with a letter ("bob_9c7e") adds nothing.
 */
export function initialsOf(name: string): string {
  const [first, second] = name
    .trim()
    .split(/[\s_.-]+/u)
    .filter((w) => w !== "")
    .map((w) => [...w][0]!);
  if (first === undefined) return "?";
  const more = second !== undefined && /\p{L}/u.test(second) ? second : "";
  return (first + more).toLocaleUpperCase();
}

/** The same colour for the same name, every time and in every tab (a string hash, not a random pick). */
export function avatarColour(name: string): string {
  let hash = 0;
  for (const ch of name.toLowerCase()) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return AVATAR_COLOURS[hash % AVATAR_COLOURS.length]!;
}
