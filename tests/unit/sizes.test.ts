/**
 * Files that hold one job and functions that fit a screen: every source file
 * under server/, client/, shared/ and db/ is at most MAX_FILE_LINES lines, and no
 * function, method or arrow body is longer than MAX_FUNCTION_LINES, unless the
 * line before it has a comment saying it is "longer than a screen" (and why),
 * or it is listed below with the reason. The scan is simple: comments, strings
 * and regular expressions blanked, then braces matched; a body is a `{` after
 * `=>` or after the `)` of a parameter list (not of `if`, `for`, `while`, …).
 *
 * An exception that is no longer needed fails the last test, so the lists only shrink.
 */
import { describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { Glob } from "bun";

const ROOT = resolve(import.meta.dir, "../..");
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;
/** What a comment on the line before a long function says, with why it is one piece. */
const LONG_ON_PURPOSE = "longer than a screen";

/** Files over MAX_FILE_LINES, with why. Keep this short and honest. */
const LONG_FILES: Record<string, string> = {
  "shared/schemas.ts":
    "the wire contract in one place: every schema the router and the clients share, each a few lines; splitting it by topic is its own change",
  "client/app/lib/room-view.ts":
    "the room page's wiring (contexts, effects, the translator); at 300 lines before its words went through the catalogs",
  "server/rooms/rooms.ts":
    "the rooms service (createRooms, below); at 300 lines before the formatter wrapped its long calls, split with it by job",
};

/** Functions (as `file: name`) over MAX_FUNCTION_LINES, with why. Keep this short and honest. */
const LONG_FUNCTIONS: Record<string, string> = {
  "server/rooms/rooms.ts: createRooms":
    "not split yet: one service object of some twenty small methods; splitting it by job (membership, moderation, direct messages) is its own change",
  "server/rooms/revocations.ts: createRevocations":
    "its state and helpers are in functions of their own; what is left is its interface, eight small documented methods",
  "client/app/components/message-actions.tsx: MessageActions": "not split yet: one component whose markup is one menu",
  "client/app/components/new-message-form.tsx: NewMessageForm": "not split yet: one form's markup and its submit",
  "client/app/components/profile-form.tsx: ProfileForm":
    "not split yet: one form (picture and display name) and its saves",
  "client/app/components/quick-switcher.tsx: QuickSwitcher":
    "not split yet: one dialog's combobox, its keys and its list",
  "client/app/pages/login-page.tsx: LoginPage": "not split yet: one page whose markup is one form",
  "client/app/components/composer.tsx: Composer":
    "not split yet: the composer's markup (text box, files, emoji, reply line, guest sentence) and its keys in one component",
  "client/app/app.tsx: Layout":
    "the app's frame (header, sidebar, providers, keys): 63 lines once its words went through the catalogs",
  "client/app/lib/room-view.ts: createRoomView":
    "not split yet: wires the room's primitives to one view; to split with room-view.ts",
  "client/app/pages/index-page.tsx: IndexPage": "not split yet: one page whose markup is one tree",
  "client/app/components/emoji-picker.tsx: EmojiPicker": "one search box and its grid: 61 lines, one over",
  "server/chat/room-log.ts: createRoomLog":
    "the room log's interface, seven small documented methods; 60 lines before the formatter wrapped their signatures",
  "server/unread/repository.ts: roomsCounts":
    "one SQL statement (every room's counts at once), written as the builder's chain",
};

interface Source {
  file: string;
  text: string;
}

async function readSources(): Promise<Source[]> {
  const all: Source[] = [];
  for await (const file of new Glob("{server,client,shared,db}/**/*.{ts,tsx}").scan(ROOT)) {
    all.push({ file, text: await Bun.file(join(ROOT, file)).text() });
  }
  return all.sort((a, b) => a.file.localeCompare(b.file));
}

/** Characters after which a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = /[(,=:[!&|?{};+\-*%<>~^]|^$|\breturn$|\btypeof$/;

/**
 * The code with comments, strings, template text and regular expressions
 * replaced by spaces (newlines kept, so offsets and lines stay), leaving the
 * braces and parentheses of the code itself. A quote string ends at its line's
 * end at the latest, so an apostrophe in JSX text blanks one line at most.
 */
export function blankNonCode(text: string): string {
  const out = text.split("");
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
  };
  /** For each template literal open, the brace depth of its `${` expression. */
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      let k = i + 1;
      while (k < text.length && text[k] !== c && text[k] !== "\n") k += text[k] === "\\" ? 2 : 1;
      blank(i + 1, k);
      i = k + 1;
    } else if (c === "`" || (c === "}" && templates.at(-1) === depth)) {
      // A template's text, from its start or from the end of a `${…}`, up to its end or the next `${`.
      if (c === "}") templates.pop();
      let k = i + 1;
      while (k < text.length && text[k] !== "`" && !(text[k] === "$" && text[k + 1] === "{"))
        k += text[k] === "\\" ? 2 : 1;
      blank(i + 1, k);
      if (text[k] === "$") {
        templates.push(depth);
        i = k + 2;
      } else i = k + 1;
    } else if (
      c === "/" &&
      BEFORE_REGEX.test(
        text
          .slice(Math.max(0, i - 8), i)
          .trimEnd()
          .slice(-6),
      )
    ) {
      let k = i + 1;
      let inClass = false;
      while (k < text.length && text[k] !== "\n" && (inClass || text[k] !== "/")) {
        if (text[k] === "[") inClass = true;
        else if (text[k] === "]") inClass = false;
        k += text[k] === "\\" ? 2 : 1;
      }
      blank(i + 1, k);
      i = k + 1;
    } else {
      if (c === "{") depth++;
      else if (c === "}") depth--;
      i++;
    }
  }
  return out.join("");
}

/** Where `close` (at `at`) opens: the index of its matching `open`, scanning back; -1 if none. */
function matchBack(code: string, at: number, open: string, close: string): number {
  let depth = 0;
  for (let k = at; k >= 0; k--) {
    if (code[k] === close) depth++;
    else if (code[k] === open && --depth === 0) return k;
  }
  return -1;
}

/** Where `open` (at `at`) closes: the index of its matching `close`; -1 if none. */
function matchForward(code: string, at: number, open: string, close: string): number {
  let depth = 0;
  for (let k = at; k < code.length; k++) {
    if (code[k] === open) depth++;
    else if (code[k] === close && --depth === 0) return k;
  }
  return -1;
}

const CONTROL = /\b(if|for|while|switch|catch|with|return|await|typeof|in|of)\s*$/;

export interface FunctionBody {
  name: string;
  /** 1-based line of the function's start (its parameter list, or its `{` if none is found). */
  line: number;
  /**
   * Lines strictly between its `{` and its `}`, less those inside the bodies of
   * the functions it holds: a factory of small closures reads as a class of
   * small methods, each counted on its own.
   */
  bodyLines: number;
}

/** Every function, method and arrow body in `text`, with its length. */
export function functionBodies(text: string): FunctionBody[] {
  const code = blankNonCode(text);
  const lineAt = (index: number) => code.slice(0, index).split("\n").length;
  const found: (FunctionBody & { open: number; close: number })[] = [];
  for (let i = code.indexOf("{"); i >= 0; i = code.indexOf("{", i + 1)) {
    const before = code.slice(Math.max(0, i - 400), i);
    const offset = i - before.length;
    let start = -1;
    let name = "anonymous";
    if (/=>\s*$/.test(before)) {
      // An arrow: its parameters, when in parentheses, start it.
      const arrow = before.search(/=>\s*$/);
      const params = /\)\s*(:[^;{}]*)?$/.exec(before.slice(0, arrow));
      start = params ? matchBack(code, offset + params.index, "(", ")") : offset + arrow;
      const head = code.slice(Math.max(0, start - 200), start);
      name = /([\w$]+)\s*[:=]\s*(async\s*)?$/.exec(head)?.[1] ?? /([\w$.]+)\s*\(\s*$/.exec(head)?.[1] ?? name;
    } else {
      // A function or method: the `)` of its parameters, then perhaps a return type, then `{`.
      const params = /\)\s*(:[^;{}]*)?$/.exec(before);
      if (!params) continue;
      const open = matchBack(code, offset + params.index, "(", ")");
      if (open < 0) continue;
      const head = code.slice(Math.max(0, open - 200), open).replace(/<[^<>]*>\s*$/, "");
      if (CONTROL.test(head) || /[\w$)\]]\s*\.\s*$/.test(head)) continue;
      const word = /([\w$]+)\s*$/.exec(head)?.[1];
      if (word === undefined && !/(=|\(|,|:|^)\s*(async\s*)?$/.test(head.trimEnd())) continue;
      start = open;
      name = word && word !== "function" && word !== "async" ? word : name;
    }
    const end = matchForward(code, i, "{", "}");
    if (end < 0) continue;
    found.push({ name, line: lineAt(start), bodyLines: 0, open: lineAt(i), close: lineAt(end) });
  }
  // Each body's own lines: those not inside a body nested in it (the outermost nested ones, found in order).
  return found.map(({ open, close, ...f }) => {
    let own = close - open - 1;
    let covered = open;
    for (const inner of found) {
      if (inner.open <= covered || inner.close >= close || inner.open < open) continue;
      own -= Math.max(0, inner.close - inner.open - 1);
      covered = inner.close;
    }
    return { ...f, bodyLines: own };
  });
}

const sources = await readSources();

const longFiles = () =>
  sources
    .map((s) => ({ file: s.file, lines: s.text.split("\n").length - (s.text.endsWith("\n") ? 1 : 0) }))
    .filter((f) => f.lines > MAX_FILE_LINES);

const longFunctions = () =>
  sources.flatMap((s) => {
    const lines = s.text.split("\n");
    return functionBodies(s.text)
      .filter((f) => f.bodyLines > MAX_FUNCTION_LINES)
      .filter((f) => !(lines[f.line - 2] ?? "").toLowerCase().includes(LONG_ON_PURPOSE))
      .map((f) => ({ key: `${s.file}: ${f.name}`, at: `${s.file}:${f.line}`, bodyLines: f.bodyLines }));
  });

describe("sizes: files hold one job, functions fit a screen", () => {
  test("the scan finds functions, methods and arrows, and skips control blocks (a guard against a scan that finds nothing)", () => {
    const text = [
      "export function outer(a: number): Promise<void> {",
      "  if (a) {",
      "    return;",
      "  }",
      "  const f = async (x: string) => {",
      '    const s = "}{";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text the scan reads
      "    return /[{]/.test(`${x}}`);",
      "  };",
      "}",
      "class C {",
      "  method(): number {",
      "    for (const x of []) {",
      "    }",
      "    return 1;",
      "  }",
      "}",
    ].join("\n");
    expect(functionBodies(text)).toEqual([
      { name: "outer", line: 1, bodyLines: 5 }, // 7 lines, less the 2 inside `f`
      { name: "f", line: 5, bodyLines: 2 },
      { name: "method", line: 11, bodyLines: 3 },
    ]);
    expect(sources.length).toBeGreaterThan(100);
  });

  test(`no source file is over ${MAX_FILE_LINES} lines, unless listed with its reason`, () => {
    const over = longFiles().filter((f) => !(f.file in LONG_FILES));
    expect(over.map((f) => `${f.file}: ${f.lines} lines`)).toEqual([]);
  });

  test(`no function is over ${MAX_FUNCTION_LINES} lines, unless the line before it says it is "${LONG_ON_PURPOSE}" or it is listed with its reason`, () => {
    const over = longFunctions().filter((f) => !(f.key in LONG_FUNCTIONS));
    expect(over.map((f) => `${f.at} ${f.key.split(": ")[1]}: ${f.bodyLines} lines`)).toEqual([]);
  });

  test("every listed exception is still needed (remove the ones that are fixed)", () => {
    const files = new Set(longFiles().map((f) => f.file));
    const functions = new Set(longFunctions().map((f) => f.key));
    const stale = [
      ...Object.keys(LONG_FILES).filter((file) => !files.has(file)),
      ...Object.keys(LONG_FUNCTIONS).filter((key) => !functions.has(key)),
    ];
    expect(stale).toEqual([]);
  });
});
