/**
 * How the CLI prints what the server sent: messages one line each, oldest at
 * the top, like a terminal chat. Nothing from the server reaches the terminal
 * raw: control characters (C0, DEL, C1 — ESC starts the sequences that move
 * the cursor, recolour, retitle the window or rewrite the clipboard) and
 * bidirectional overrides (which make text read in another order than it is)
 * are shown as visible escapes such as `\x1b` or `\u202e`.
 */

import type { RouterOutputs } from "@parlor/client";
import { english, type Translate } from "../../shared/i18n/index.ts";
import { describeMemberEntry } from "../../shared/member-entry-text.ts";
import type { RoomEntry } from "../../shared/schemas.ts";
import { type TerminalOptions, terminalText } from "./markdown-terminal.ts";

type Message = RouterOutputs["room"]["send"];
type Attachment = Message["attachments"][number];

/** How to print a message: terminal styles, and the server that makes its files' URLs absolute. */
export interface MessageFormat extends TerminalOptions {
  /** The server's base URL; without it a file's URL stays the path the server gave. */
  serverUrl?: string;
}

/** C0 and DEL and C1; the bidi marks, embeddings, overrides and isolates; the Unicode line and paragraph separators. */
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

const NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

const hex = (code: number, width: number) => code.toString(16).padStart(width, "0");

/**
 * `text` with every unsafe character replaced by a visible escape
 * (`"\x1b[2Jhi"` → `"\\x1b[2Jhi"`). With `newlines`, `\n` is kept as a line break.
 */
export function printable(text: string, { newlines = false }: { newlines?: boolean } = {}): string {
  return text.replace(UNSAFE, (ch) => {
    if (newlines && ch === "\n") return ch;
    const named = NAMED[ch];
    if (named) return named;
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
  });
}

/** C1 and the bidi/separator characters JSON.stringify leaves raw (it escapes C0 itself). */
const UNSAFE_IN_JSON = /[\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/**
 * JSON for the terminal: valid JSON, with every unsafe character as a `\uXXXX` escape.
 * Indented by 2 (`--json`); `indent` 0 gives one line (`export`'s JSON lines).
 */
export function printableJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (ch) => `\\u${hex(ch.charCodeAt(0), 4)}`);
}

/**
 * A message's text in its terminal form (markdown-terminal.ts: styles, `text <url>`,
 * emoji for shortcodes); multi-line text stays readable and cannot forge a line
 * that looks like another message.
 */
const body = (text: string, options: TerminalOptions) => terminalText(text, options).replaceAll("\n", "\n    ");

/** `812 B`, `12.3 KiB`, `1.2 MiB`, `2.0 GiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `📎 photo.jpg (1.2 MiB) http://host/files/<id>/photo.jpg`: the name as uploaded (made printable), its size, where to fetch it. */
export function formatAttachment(a: Attachment, serverUrl?: string): string {
  const url = serverUrl ? new URL(a.url, serverUrl).href : a.url;
  return `📎 ${printable(a.name)} (${formatSize(a.size)}) ${printable(url)}`;
}

/**
 * `[2026-11-23 14:05:09] #12 ann: hello` (local time), in its current state:
 * `#13 bob ↪ #12: hi (edited) [👍 2]`, `#14 ann: (deleted)`; each file on a line of
 * its own below, indented like the text's own lines.
 */
export function formatMessage(m: Message, options: MessageFormat = {}, t: Translate = english): string {
  const at = new Date(m.timestamp);
  const pad = (n: number) => String(n).padStart(2, "0");
  const when = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  const text = body(m.text, options);
  const reply = m.replyTo === null ? "" : ` ↪ #${m.replyTo}`;
  const shown = m.deleted ? t("cli.deleted") : m.editedAt ? `${text} ${t("cli.edited")}` : text;
  const reactions = m.reactions.length
    ? ` [${m.reactions.map((r) => `${printable(r.emoji)} ${r.users.length}`).join(", ")}]`
    : "";
  const files = m.attachments.map((a) => `\n    ${formatAttachment(a, options.serverUrl)}`).join("");
  return `[${when}] #${m.seq} ${printable(m.sender)}${reply}: ${shown}${reactions}${files}`;
}

/** A change entry of the live stream, e.g. `#14 ann edited #12: hello again`, `#15 bob reacted 👍 to #12`. */
export function formatChange(
  e: Exclude<RoomEntry, { kind: "message" }>,
  options: TerminalOptions = {},
  t: Translate = english,
): string {
  switch (e.kind) {
    case "member":
      return `#${e.seq} ${printable(describeMemberEntry(e, t))}`;
    case "edit":
      return `#${e.seq} ${t("cli.entryEdited", { by: printable(e.by), target: e.target, text: body(e.text, options) })}`;
    case "delete":
      return `#${e.seq} ${t("cli.entryDeleted", { by: printable(e.by), target: e.target })}`;
    case "reaction":
      return `#${e.seq} ${t(e.added ? "cli.entryReacted" : "cli.entryUnreacted", { user: printable(e.user), emoji: printable(e.emoji), target: e.target })}`;
  }
}
