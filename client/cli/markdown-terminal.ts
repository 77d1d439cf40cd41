/**
 * A message's Markdown as the terminal shows it (shared/markdown.ts gives the
 * tree): bold, italic and strikethrough as terminal styles when `style` is on
 * (stdout is a terminal), plain words when piped; `code` and code blocks as
 * typed; links as `text <url>`; `:shortcode:` as its emoji; quotes and lists
 * with their `>`, `-`, `1.` marks. Every piece of text goes through `printable`
 * first, so the only escape sequences that reach the terminal are our own styles.
 */
import { type Block, type Inline, parseMarkdown, plainText } from "../../shared/markdown.ts";
import { printable } from "./format.ts";

export interface TerminalOptions {
  /** Bold, italic and strikethrough as SGR sequences (a terminal); off, the words alone (a pipe, a file). */
  style?: boolean;
}

const SGR = { strong: ["\x1b[1m", "\x1b[22m"], em: ["\x1b[3m", "\x1b[23m"], strike: ["\x1b[9m", "\x1b[29m"] } as const;

/** `text` as lines for the terminal, joined with `\n`; no control character of the text survives. */
export function terminalText(text: string, { style = false }: TerminalOptions = {}): string {
  return parseMarkdown(text)
    .map((block) => blockText(block, style))
    .join("\n");
}

function blockText(block: Block, style: boolean): string {
  switch (block.type) {
    case "paragraph":
      return inlineText(block.children, style);
    case "code_block":
      return `\`\`\`${block.lang ?? ""}\n${printable(block.text, { newlines: true })}\n\`\`\``;
    case "quote":
      return prefixLines(block.children.map((b) => blockText(b, style)).join("\n"), "> ", "> ");
    case "list":
      return block.items
        .map((item, i) => {
          const mark = block.ordered ? `${block.start + i}. ` : "- ";
          return prefixLines(item.map((b) => blockText(b, style)).join("\n"), mark, " ".repeat(mark.length));
        })
        .join("\n");
    case "rule":
      return "───";
  }
}

function prefixLines(text: string, first: string, rest: string): string {
  return text
    .split("\n")
    .map((line, i) => (i === 0 ? first : rest) + line)
    .join("\n");
}

function inlineText(nodes: Inline[], style: boolean): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case "text":
          return printable(node.text);
        case "code":
          return `\`${printable(node.text)}\``;
        case "mention":
          return printable(`@${node.name}`);
        case "emoji":
          return node.emoji;
        case "break":
          return "\n";
        case "link": {
          const shown = inlineText(node.children, style);
          const url = printable(node.href);
          // An address typed as such shows once: `https://bun.sh`, `www.x.org`, `ann@x.org`.
          const typed = plainText(node.children);
          const same = [typed, `${typed}/`, `mailto:${typed}`, `https://${typed}`, `https://${typed}/`].includes(
            node.href,
          );
          return same ? shown : `${shown} <${url}>`;
        }
        default: {
          const inner = inlineText(node.children, style);
          const [on, off] = SGR[node.type];
          return style ? `${on}${inner}${off}` : inner;
        }
      }
    })
    .join("");
}
