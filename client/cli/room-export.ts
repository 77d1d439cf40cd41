/**
 * `export` and `search` for the CLI: both read only through the API, so the
 * server's access rules decide what comes out (a private room one is not in
 * is NOT_FOUND, as for every other command).
 */
import { HISTORY_LIMIT_MAX } from "../../shared/schemas.ts";
import type { ParlorClient, RouterOutputs } from "../parlor-client.ts";
import { formatMessage } from "./format.ts";

type SearchHit = RouterOutputs["room"]["search"]["results"][number];

/**
 * Writes every message of `room`, in its current state (edits applied,
 * deleted ones as tombstones), as one JSON object per line, newest first —
 * following room.history's pages, so memory stays one page whatever the room's size.
 * Returns how many were written.
 */
export async function exportRoom(client: ParlorClient, room: string, write: (line: string) => void): Promise<number> {
  let before: number | undefined;
  let written = 0;
  for (;;) {
    const page = await client.room.history.query({ room, before, limit: HISTORY_LIMIT_MAX });
    for (const message of page.messages) write(JSON.stringify(message));
    written += page.messages.length;
    if (page.nextCursor === null) return written;
    before = page.nextCursor;
  }
}

/** One search hit as a line: `lobby [2026-11-23 14:05:09] #12 ann: lunch on Tuesday`, the matched words marked by `mark`. */
export function formatHit(hit: SearchHit, mark: (word: string) => string): string {
  let text = "";
  let at = 0;
  for (const [start, end] of hit.highlights) {
    text += hit.text.slice(at, start) + mark(hit.text.slice(start, end));
    at = end;
  }
  text += hit.text.slice(at);
  return `${hit.room} ${formatMessage({ ...hit, text })}`;
}
