/**
 * `:shortcode:` emoji: GitHub's table (as markdown-it-emoji ships it, so the
 * parser and the picker know the same names), and the search the emoji picker
 * uses. Pure data and functions: the web app, the CLI and tests share them.
 */
import shortcodes from "markdown-it-emoji/lib/data/full.mjs";

/** Shortcode (without colons) → emoji, e.g. `thumbsup` → 👍. */
export const EMOJI_SHORTCODES: Readonly<Record<string, string>> = shortcodes;

export interface EmojiChoice {
  emoji: string;
  /** Its shortcodes, the first being the name it is shown with (`+1`, `thumbsup`). */
  names: string[];
}

/** One choice per emoji, in the table's order (grouped as GitHub groups them: faces first). */
export const EMOJI_CHOICES: readonly EmojiChoice[] = (() => {
  const byEmoji = new Map<string, EmojiChoice>();
  for (const [name, emoji] of Object.entries(shortcodes)) {
    const known = byEmoji.get(emoji);
    if (known) known.names.push(name);
    else byEmoji.set(emoji, { emoji, names: [name] });
  }
  return [...byEmoji.values()];
})();

const ONE_EMOJI = /^\p{RGI_Emoji}$/v;

/**
 * The choices matching `query` (`thu`, `:tada`, `heart`), best first: names that
 * start with it, then names that hold it; at most `limit`. An empty query gives
 * the first `limit` of the table; a query that is itself one emoji offers that emoji.
 */
export function searchEmoji(query: string, limit = 48): EmojiChoice[] {
  const q = query
    .trim()
    .toLowerCase()
    .replace(/^:+|:+$/g, "");
  if (ONE_EMOJI.test(query.trim())) {
    const emoji = query.trim();
    return [EMOJI_CHOICES.find((c) => c.emoji === emoji) ?? { emoji, names: [] }];
  }
  if (q === "") return EMOJI_CHOICES.slice(0, limit);
  const starts: EmojiChoice[] = [];
  const holds: EmojiChoice[] = [];
  for (const choice of EMOJI_CHOICES) {
    if (choice.names.some((n) => n.startsWith(q))) starts.push(choice);
    else if (choice.names.some((n) => n.includes(q))) holds.push(choice);
    if (starts.length >= limit) break;
  }
  return [...starts, ...holds].slice(0, limit);
}
