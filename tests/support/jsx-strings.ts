/**
 * The words a .tsx file shows that do not come from a catalog: JSX text nodes,
 * string literals in the attributes a person reads or hears (aria-label,
 * title, placeholder, alt), and the strings of a component's own words table
 * (`const text = { … }`), when they contain a letter. A small scanner over
 * the source text that knows strings, comments, template literals, braces and
 * JSX elements nested in expressions; `a < b` (a space after `<`) and generics
 * (`createSignal<string>`, an identifier before `<`) are not taken for tags.
 */

export interface Untranslated {
  line: number;
  text: string;
}

const READ_ATTRIBUTES = new Set([
  "aria-label",
  "title",
  "placeholder",
  "alt",
  "aria-placeholder",
  "aria-roledescription",
]);
const LETTER = /\p{L}/u;

export function untranslatedStrings(source: string): Untranslated[] {
  const found: Untranslated[] = [];
  const lineAt = (i: number) => source.slice(0, i).split("\n").length;
  const note = (at: number, text: string) => {
    if (LETTER.test(text)) found.push({ line: lineAt(at), text: text.trim() });
  };
  let i = 0;

  /** Past a quoted string starting at `i` (the quote). */
  const skipString = (quote: string) => {
    i++;
    while (i < source.length && source[i] !== quote) i += source[i] === "\\" ? 2 : 1;
    i++;
  };
  const skipTemplate = () => {
    i++;
    while (i < source.length && source[i] !== "`") {
      if (source[i] === "\\") i += 2;
      else if (source.startsWith("${", i)) {
        i += 2;
        code("}");
      } else i++;
    }
    i++;
  };
  const isTagStart = () => {
    if (!/[A-Za-z>]/.test(source[i + 1] ?? "")) return false;
    const before = source.slice(0, i).trimEnd();
    return /(^|[(=,?:{}>&|[]|\breturn)$/.test(before);
  };

  /** Code until the `end` character at depth 0 (consumed), JSX inside it scanned. */
  function code(end: string | null) {
    let depth = 0;
    while (i < source.length) {
      const c = source[i]!;
      if (c === '"' || c === "'") skipString(c);
      else if (c === "`") skipTemplate();
      else if (source.startsWith("//", i)) i = source.indexOf("\n", i) === -1 ? source.length : source.indexOf("\n", i);
      else if (source.startsWith("/*", i)) i = source.indexOf("*/", i) + 2;
      else if (c === "<" && isTagStart()) element();
      else if (c === "{" || c === "(" || c === "[") depth++, i++;
      else if (c === "}" || c === ")" || c === "]") {
        if (depth === 0 && c === end) return void i++;
        depth--;
        i++;
      } else i++;
    }
  }

  /** One element from its `<`: attributes, then children up to its closing tag. */
  function element() {
    i++;
    const name = /^[\w.:-]*/.exec(source.slice(i))![0];
    i += name.length;
    // Attributes.
    for (;;) {
      while (/\s/.test(source[i] ?? "")) i++;
      if (source.startsWith("/>", i)) return void (i += 2);
      if (source[i] === ">") {
        i++;
        break;
      }
      if (source[i] === "{") {
        i++;
        code("}");
        continue;
      }
      const attr = /^[\w.:-]+/.exec(source.slice(i))?.[0];
      if (!attr) return void i++;
      i += attr.length;
      if (source[i] !== "=") continue;
      i++;
      const at = i;
      if (source[i] === '"' || source[i] === "'") {
        skipString(source[i]!);
        if (READ_ATTRIBUTES.has(attr)) note(at, source.slice(at + 1, i - 1));
      } else if (source[i] === "{") {
        i++;
        const start = i;
        code("}");
        const literal = /^\s*(["'`])([^"'`$]*)\1\s*$/.exec(source.slice(start, i - 1));
        if (literal && READ_ATTRIBUTES.has(attr)) note(at, literal[2]!);
      }
    }
    // Children.
    let text = i;
    while (i < source.length) {
      const c = source[i];
      if (c === "{" || c === "<") note(text, source.slice(text, i));
      if (c === "{") {
        i++;
        code("}");
        text = i;
      } else if (c === "<" && source[i + 1] === "/") {
        i = source.indexOf(">", i) + 1;
        return;
      } else if (c === "<") {
        element();
        text = i;
      } else i++;
    }
  }

  code(null);
  for (const words of wordsTableStrings(source)) note(words.at, words.text);
  return found.sort((a, b) => a.line - b.line);
}

/**
 * A component's words gathered in a table at the top of its file, a step short
 * of a catalog (`const text = { title: "Room settings", added: (by) => \`${by} added you\` }`):
 * each string literal in it, and each template literal's fixed parts, with where it starts.
 */
function wordsTableStrings(source: string): { at: number; text: string }[] {
  const table = /^[ \t]*(?:export )?const text = \{/m.exec(source);
  if (!table) return [];
  const strings: { at: number; text: string }[] = [];
  let depth = 0;
  for (let i = table.index + table[0].length - 1; i < source.length; ) {
    const c = source[i]!;
    if (c === '"' || c === "'") {
      const start = i++;
      while (i < source.length && source[i] !== c) i += source[i] === "\\" ? 2 : 1;
      strings.push({ at: start, text: source.slice(start + 1, i++) });
    } else if (c === "`") {
      // Only the fixed parts: `${…}` holds code (a name, a count), not words.
      let start = ++i;
      while (i < source.length && source[i] !== "`") {
        if (source[i] === "\\") i += 2;
        else if (source.startsWith("${", i)) {
          strings.push({ at: start, text: source.slice(start, i) });
          i = source.indexOf("}", i) + 1;
          start = i;
        } else i++;
      }
      strings.push({ at: start, text: source.slice(start, i++) });
    } else if (source.startsWith("//", i)) i = source.indexOf("\n", i);
    else if (c === "{" || c === "(") depth++, i++;
    else if (c === "}" || c === ")") {
      depth--;
      i++;
      if (depth === 0) break;
    } else i++;
  }
  return strings;
}
