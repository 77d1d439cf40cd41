/**
 * `@` completion in the composer: which partial name the caret is in, which
 * names fit it, and the text once one is picked. Pure, so `bun test` covers
 * it. A mention is what shared/room-log.ts counts as one: `@name` not glued to
 * a word, an address or another `@` before it.
 */

export interface MentionQuery {
  /** Index of the `@`. */
  start: number;
  /** Index just after the partial name (the caret). */
  end: number;
  /** What was typed after the `@`. */
  query: string;
}

/** Letters of a username (shared/schemas.ts Username). */
const NAME_CHAR = /[A-Za-z0-9_-]/;
/** What may not stand right before a mention's `@` (as in shared/room-log.ts). */
const GLUED = /[A-Za-z0-9_@.-]/;

/** The partial mention the caret ends, or null when the caret is not in one. */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  let at = caret;
  while (at > 0 && NAME_CHAR.test(text[at - 1]!)) at--;
  if (at === 0 || text[at - 1] !== "@") return null;
  const start = at - 1;
  if (start > 0 && GLUED.test(text[start - 1]!)) return null;
  // The caret inside a word (`@an|n`) completes it only when it is at the word's end.
  if (caret < text.length && NAME_CHAR.test(text[caret]!)) return null;
  const query = text.slice(at, caret);
  if (query.length > 32) return null;
  return { start, end: caret, query };
}

/** Whether any word of a display name ("Ann Smith": "ann", "smith") starts with `q` (lower case). */
const wordStarts = (displayName: string, q: string) =>
  displayName
    .toLowerCase()
    .split(/[\s_.-]+/)
    .some((w) => w.startsWith(q));

/**
 * The usernames that start with `query` (case-insensitive), or whose display
 * name has a word that does; then those containing it (username or display
 * name); each once, `self` left out, at most `limit`. The pick is always the
 * username: mentions name people by it.
 */
export function matchingNames(
  names: Iterable<string>,
  query: string,
  {
    self,
    limit = 8,
    displayName,
  }: { self?: string | null; limit?: number; displayName?: (username: string) => string | null } = {},
): string[] {
  const q = query.toLowerCase();
  const seen = new Set<string>();
  const prefix: string[] = [];
  const inner: string[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    if (seen.has(key) || (self && key === self.toLowerCase())) continue;
    seen.add(key);
    const shown = displayName?.(name) ?? "";
    if (key.startsWith(q) || (shown && wordStarts(shown, q))) prefix.push(name);
    else if (q && (key.includes(q) || shown.toLowerCase().includes(q))) inner.push(name);
  }
  const byName = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: "base" });
  return [...prefix.sort(byName), ...inner.sort(byName)].slice(0, limit);
}

/** The text with the partial mention replaced by `@name ` and where the caret goes. */
export function pickMention(text: string, at: MentionQuery, name: string): { text: string; caret: number } {
  const after = text.slice(at.end);
  const inserted = after.startsWith(" ") ? `@${name}` : `@${name} `;
  const caret = at.start + inserted.length + (after.startsWith(" ") ? 1 : 0);
  return { text: text.slice(0, at.start) + inserted + after, caret };
}
