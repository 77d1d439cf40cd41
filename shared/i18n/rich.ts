/**
 * Rich catalog strings: a sentence that holds a name or a link keeps them in
 * place in every language, as tags the web app fills with components:
 * "Signed in as <name/>. <continue>Continue</continue>, or …". Parsed here
 * into parts; never rendered as HTML (client/app/components/rich.tsx).
 */

export type RichPart =
  | { kind: "text"; text: string }
  /** `<tag/>`: the slot's own content; `<tag>words</tag>`: the slot wraps the translated words. */
  | { kind: "slot"; name: string; text: string | null };

const TAG = /<(\w+)\/>|<(\w+)>([^<]*)<\/\2>/g;

/**
 * The parts of `template` in order. A tag with no closing partner, or any
 * other `<`, stays as text: nothing here can make markup.
 *
 * @example parseRich("<home>Choose a room</home> instead.") // [{ kind: "slot", name: "home", text: "Choose a room" }, { kind: "text", text: " instead." }]
 */
export function parseRich(template: string): RichPart[] {
  const parts: RichPart[] = [];
  let at = 0;
  for (const match of template.matchAll(TAG)) {
    if (match.index > at) parts.push({ kind: "text", text: template.slice(at, match.index) });
    parts.push(
      match[1] ? { kind: "slot", name: match[1], text: null } : { kind: "slot", name: match[2]!, text: match[3]! },
    );
    at = match.index + match[0].length;
  }
  if (at < template.length) parts.push({ kind: "text", text: template.slice(at) });
  return parts;
}

/** The slot names a rich string uses: the catalog test checks that every language uses the same ones. */
export const richSlots = (template: string) =>
  parseRich(template)
    .flatMap((p) => (p.kind === "slot" ? [p.name] : []))
    .sort();
