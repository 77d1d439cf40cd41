/**
 * `export` and `search` for the CLI: both read only through the API, so the
 * server's access rules decide what comes out (a private room one is not in
 * is NOT_FOUND, as for every other command).
 */

import type { ParlorClient, RouterOutputs } from "@parlor/client";
import { english, type Translate } from "../../shared/i18n/index.ts";
import { HISTORY_LIMIT_MAX } from "../../shared/schemas.ts";
import { formatMessage, printable, printableJson } from "./format.ts";

type SearchHit = RouterOutputs["room"]["search"]["results"][number];

/**
 * Writes every message of `room`, in its current state (edits applied,
 * deleted ones as tombstones), as one JSON object per line (`printableJson`), newest first —
 * following room.history's pages, so memory stays one page whatever the room's size.
 * Returns how many were written.
 */
export async function exportRoom(client: ParlorClient, room: string, write: (line: string) => void): Promise<number> {
  let before: number | undefined;
  let written = 0;
  for (;;) {
    const page = await client.room.history.query({ room, before, limit: HISTORY_LIMIT_MAX });
    // One line of JSON each, with bidi overrides and C1 controls escaped: the same value, nothing raw on a terminal.
    for (const message of page.messages) write(printableJson(message, 0));
    written += page.messages.length;
    if (page.nextCursor === null) return written;
    before = page.nextCursor;
  }
}

/** Stands for the text while the line is formatted: a private-use character `printable` keeps as it is. */
const TEXT_SLOT = "\uE000";

/**
 * One search hit as a line: `lobby [2026-11-23 14:05:09] #12 ann: lunch on Tuesday`, the
 * matched words wrapped by `mark` (e.g. bold). Every part of the text goes through
 * `printable` first, so only `mark`'s own escapes reach the terminal.
 */
export function formatHit(hit: SearchHit, mark: (word: string) => string, t: Translate = english): string {
  const safe = (part: string) => printable(part, { newlines: true }).replaceAll("\n", "\n    ");
  let text = "";
  let at = 0;
  for (const [start, end] of hit.highlights) {
    if (start < at || end > hit.text.length) continue;
    text += safe(hit.text.slice(at, start)) + mark(safe(hit.text.slice(start, end)));
    at = end;
  }
  text += safe(hit.text.slice(at));
  return `${printable(hit.room)} ${formatMessage({ ...hit, text: TEXT_SLOT }, {}, t).replace(TEXT_SLOT, () => text)}`;
}
