/**
 * A message's text as runs of plain text and web links, for the page to show
 * links as <a> and everything else as text nodes. Only `http://` and `https://`
 * addresses become links (no `javascript:`, `data:`, bare `www.`): nothing else
 * in a message is ever turned into markup.
 *
 * Where an address ends follows what people mean when they type one in a
 * sentence: punctuation at its end (`.`, `,`, `!`, quotes) is the sentence's,
 * and a closing bracket is the address's only when it opened one inside it
 * (`https://en.wikipedia.org/wiki/Bun_(software)` vs `(see https://bun.sh)`).
 */

export type TextSegment = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

/**
 * A scheme not glued to a word before it (`xhttps://` is not one), then
 * everything up to whitespace or a character that cannot be in an address as
 * typed (`<`, `>`, `"`, backtick, and the Unicode angle quotes around them).
 * A third slash (`https:///x`) is refused: a browser would read a host into it
 * that the text does not show.
 */
const CANDIDATE = /(?<![\p{L}\p{N}_])https?:\/\/(?![\/\\])[^\s<>"`\u00ab\u00bb\u2039\u203a\u201c\u201d]+/giu;

/** Characters that end a sentence rather than an address. */
const TRAILING = /[.,;:!?'\u2019*_~]+$/u;

const PAIRS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/** Drops trailing punctuation and closing brackets that the address did not open. */
function trimEnd(candidate: string): string {
  let url = candidate;
  for (;;) {
    const before = url;
    url = url.replace(TRAILING, "");
    const last = url.at(-1);
    const open = last ? PAIRS[last] : undefined;
    if (open !== undefined) {
      let opens = 0;
      let closes = 0;
      for (const c of url) {
        if (c === open) opens++;
        else if (c === last) closes++;
      }
      if (closes > opens) url = url.slice(0, -1);
    }
    if (url === before) return url;
  }
}

/** The address as a link target, or null when it is not a web address with a host. */
function webHref(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return null;
  return url.href;
}

/** Splits `text` into text and link segments; joined back, their `text`s are `text` exactly. */
export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let plainFrom = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const url = trimEnd(match[0]);
    const href = webHref(url);
    if (href === null) continue;
    if (start > plainFrom) segments.push({ kind: "text", text: text.slice(plainFrom, start) });
    segments.push({ kind: "link", text: url, href });
    plainFrom = start + url.length;
  }
  if (plainFrom < text.length) segments.push({ kind: "text", text: text.slice(plainFrom) });
  return segments;
}
