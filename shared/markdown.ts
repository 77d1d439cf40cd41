/**
 * A message's text as a typed tree of what it means in Markdown, for the web
 * app to build DOM nodes from and the CLI to print — the stored text stays what
 * was typed. markdown-it parses (CommonMark, with GitHub's `~~strikethrough~~`
 * and autolinks); this module maps its token stream to the few node kinds below
 * and nothing else, so no tag, attribute or URL reaches a renderer unless it is
 * one of them:
 * - raw HTML is text (`html: false`), and so are images (no message loads anything);
 * - a link is `http:`, `https:` or `mailto:`, else its text stays text;
 * - an autolink needs a scheme, `www.`, or an e-mail address (`example.com` alone stays text);
 * - headings, setext underlines, tables and reference definitions are off: in a chat
 *   `# 1 priority` and a line of `---` under a sentence are what was typed.
 *
 * @example parseMarkdown("**hi** @ann :tada:")
 * // [{ type: "paragraph", children: [{ type: "strong", children: [{ type: "text", text: "hi" }] },
 * //   { type: "text", text: " " }, { type: "mention", name: "ann" }, { type: "text", text: " " },
 * //   { type: "emoji", emoji: "🎉", shortcode: "tada" }] }]
 */
import MarkdownIt, { type MarkdownIt as Parser, type Token } from "markdown-it";
import { bare as emojiPlugin } from "markdown-it-emoji";
import { EMOJI_SHORTCODES } from "./emoji.ts";
import { MENTION } from "./room-log.ts";

export type Inline =
  | { type: "text"; text: string }
  | { type: "strong" | "em" | "strike"; children: Inline[] }
  | { type: "code"; text: string }
  | { type: "link"; href: string; children: Inline[] }
  | { type: "mention"; name: string }
  | { type: "emoji"; emoji: string; shortcode: string }
  | { type: "break" };

export type Block =
  | { type: "paragraph"; children: Inline[] }
  | { type: "code_block"; lang: string | null; text: string }
  | { type: "quote"; children: Block[] }
  | { type: "list"; ordered: boolean; start: number; items: Block[][] }
  | { type: "rule" };

const SCHEMES = new Set(["http:", "https:", "mailto:"]);

/** The link target as the browser will read it, or null unless it is http(s) with a host, or mailto. */
export function safeHref(href: string): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (!SCHEMES.has(url.protocol)) return null;
  // `http:///x`, `https:\\x` and `http:x` have a host the browser reads into them that the text does not show.
  if (url.protocol !== "mailto:" && !/^https?:\/\/[^/\\]/i.test(href)) return null;
  return url.href;
}

function createParser(): Parser {
  const md = new MarkdownIt("commonmark", { html: false, linkify: true })
    .enable(["strikethrough", "linkify"])
    .disable(["heading", "lheading", "reference", "image", "html_block", "html_inline"])
    .use(emojiPlugin, { defs: { ...EMOJI_SHORTCODES }, shortcuts: {} });
  // Checked again on the tree (safeHref); here it keeps a refused link's brackets and target as typed text.
  md.validateLink = (url) => safeHref(url.trim()) !== null;
  // Schemeless candidates are found (`www.`, e-mail); linkMaker keeps only those GitHub links.
  md.linkify.set({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: false }).add("ftp:", null).add("//", null);
  return md;
}

let parser: Parser | undefined;

/** The text's blocks; joined, their texts are what a reader sees (never markup). */
export function parseMarkdown(text: string): Block[] {
  parser ??= createParser();
  return blocks(parser.parse(text, {}), { at: 0 }, null);
}

interface Cursor {
  at: number;
}

/** Reads block tokens up to the one closing `until` (or the end). */
function blocks(tokens: Token[], cursor: Cursor, until: string | null): Block[] {
  const out: Block[] = [];
  while (cursor.at < tokens.length) {
    const token = tokens[cursor.at++]!;
    if (token.type === until) return out;
    switch (token.type) {
      case "paragraph_open":
        break;
      case "inline":
        out.push({ type: "paragraph", children: inlines(token.children ?? []) });
        break;
      case "fence":
      case "code_block":
        out.push({ type: "code_block", lang: codeLanguage(token.info), text: token.content.replace(/\n$/, "") });
        break;
      case "blockquote_open":
        out.push({ type: "quote", children: blocks(tokens, cursor, "blockquote_close") });
        break;
      case "bullet_list_open":
      case "ordered_list_open":
        out.push(list(tokens, cursor, token));
        break;
      case "hr":
        out.push({ type: "rule" });
        break;
      default:
        // paragraph_close and anything a future parser adds: only text may come of it.
        if (token.content) out.push({ type: "paragraph", children: [{ type: "text", text: token.content }] });
    }
  }
  return out;
}

function list(tokens: Token[], cursor: Cursor, open: Token): Block {
  const ordered = open.type === "ordered_list_open";
  const close = ordered ? "ordered_list_close" : "bullet_list_close";
  const items: Block[][] = [];
  while (cursor.at < tokens.length) {
    const token = tokens[cursor.at++]!;
    if (token.type === close) break;
    if (token.type === "list_item_open") items.push(blocks(tokens, cursor, "list_item_close"));
  }
  const start = Number(open.attrGet("start") ?? 1);
  return { type: "list", ordered, start: Number.isSafeInteger(start) ? start : 1, items };
}

/** The first word of a fence's info string, when it looks like a language name (`ts`, `c++`, `objective-c`). */
function codeLanguage(info: string): string | null {
  const word = info.trim().split(/\s+/)[0] ?? "";
  return /^[\w+#.-]{1,32}$/.test(word) ? word : null;
}

interface Frame {
  children: Inline[];
  close: string;
  make: (children: Inline[]) => Inline[];
}

const WRAPPERS: Record<string, ["strong" | "em" | "strike", string]> = {
  strong_open: ["strong", "strong_close"],
  em_open: ["em", "em_close"],
  s_open: ["strike", "s_close"],
};

function inlines(tokens: Token[]): Inline[] {
  const root: Frame = { children: [], close: "", make: (c) => c };
  const stack: Frame[] = [root];
  const top = () => stack[stack.length - 1]!;
  for (const token of tokens) {
    const wrapper = WRAPPERS[token.type];
    if (wrapper) {
      const [type] = wrapper;
      stack.push({ children: [], close: wrapper[1], make: (children) => [{ type, children }] });
    } else if (token.type === "link_open") {
      stack.push({ children: [], close: "link_close", make: linkMaker(token) });
    } else if (stack.length > 1 && token.type === top().close) {
      const frame = stack.pop()!;
      top().children.push(...frame.make(frame.children));
    } else if (token.type === "code_inline") {
      top().children.push({ type: "code", text: token.content });
    } else if (token.type === "emoji") {
      top().children.push({ type: "emoji", emoji: token.content, shortcode: token.markup });
    } else if (token.type === "softbreak" || token.type === "hardbreak") {
      // A new line typed in a chat message is a new line.
      top().children.push({ type: "break" });
    } else if (token.content) {
      top().children.push({ type: "text", text: token.content });
    }
  }
  // Unclosed frames (not produced by markdown-it, but cheap to survive): keep their content.
  while (stack.length > 1) {
    const frame = stack.pop()!;
    top().children.push(...frame.make(frame.children));
  }
  return withMentions(mergeText(root.children));
}

/** A link node, or its children alone when its target is not one we link to. */
function linkMaker(open: Token): (children: Inline[]) => Inline[] {
  return (children) => {
    const raw = String(open.attrGet("href") ?? "");
    let href = safeHref(raw);
    if (open.markup === "linkify") {
      const typed = children.map((c) => (c.type === "text" ? c.text : "")).join("");
      const schemeless = !/^[a-z][a-z0-9+.-]*:/i.test(typed);
      // GitHub's autolinks: a bare domain is not one; `www.` is, and then over https.
      if (schemeless && !raw.startsWith("mailto:") && !/^www\./i.test(typed)) href = null;
      else if (schemeless && href?.startsWith("http:")) href = safeHref(`https:${href.slice("http:".length)}`);
    }
    return href === null ? children : [{ type: "link", href, children }];
  };
}

function mergeText(nodes: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    const last = out[out.length - 1];
    if (node.type === "text" && last?.type === "text") last.text += node.text;
    else out.push(node);
  }
  return out;
}

/** Splits text nodes (not code, not link text) at `@name`, as the server counts mentions. */
function withMentions(nodes: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    if (node.type === "strong" || node.type === "em" || node.type === "strike") {
      out.push({ type: node.type, children: withMentions(node.children) });
      continue;
    }
    if (node.type !== "text") {
      out.push(node);
      continue;
    }
    let from = 0;
    for (const match of node.text.matchAll(MENTION)) {
      if (match.index > from) out.push({ type: "text", text: node.text.slice(from, match.index) });
      out.push({ type: "mention", name: match[1]! });
      from = match.index + match[0].length;
    }
    if (from < node.text.length) out.push({ type: "text", text: node.text.slice(from) });
  }
  return out;
}

/** The text a reader sees in `nodes`, shortcodes as their emoji (for labels and plain-text uses). */
export function plainText(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case "text":
        case "code":
          return n.text;
        case "mention":
          return `@${n.name}`;
        case "emoji":
          return n.emoji;
        case "break":
          return "\n";
        default:
          return plainText(n.children);
      }
    })
    .join("");
}
