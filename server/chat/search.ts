/**
 * Full-text search over messages in their current state, in the rooms the
 * caller may read: public rooms, and the rooms they are a member of. The index
 * is the database's own (SQLite FTS5, PostgreSQL tsvector + GIN; see
 * db/migrations/2026-12-01T06-search.ts); on SQLite the caller first brings it
 * up to the newest message (./search-indexer.ts), so what committed before the
 * search, a message, an edit or a delete, is searchable. The words come from `searchTerms`: letters and digits
 * only, and each is quoted for FTS5 besides, so no query is ever syntax.
 */
import { PostgresAdapter, sql } from "kysely";
import type { Db } from "../../db/index.ts";
import type { RoomName } from "../../shared/schemas.ts";
import { highlightRanges, type SearchPage } from "../../shared/search.ts";
import { withAttachments } from "../files/repository.ts";
import { SEARCH_SCAN_IDS } from "../limits/defaults.ts";
import { messages, toMessage } from "./log-rows.ts";

export interface SearchQuery {
  /** The words to find, all of them (from `searchTerms`). */
  terms: string[];
  /** The caller; null for a guest (public rooms only). */
  userId: number | null;
  /** Only this room; the caller's access to it is checked before (the access seam). */
  room?: RoomName | undefined;
  /** Only messages with a smaller id. */
  before?: number | undefined;
  limit: number;
  /** The window of ids looked through (tests narrow it); default SEARCH_SCAN_IDS. */
  scanIds?: number;
}

/**
 * An FTS5 query that means "all these words, the last one as a prefix": each
 * one a quoted string (`"` doubled inside), the last followed by FTS5's prefix
 * mark, which applies to the quoted string before it. `["fix", "depl"]` → `"fix" "depl"*`.
 */
export function fts5AllOf(terms: readonly string[]): string {
  return terms.map((t, i) => `"${t.replaceAll('"', '""')}"${i === terms.length - 1 ? "*" : ""}`).join(" ");
}

/**
 * The same for PostgreSQL's `to_tsquery('simple', …)`: each word a quoted lexeme
 * (`'` doubled inside), joined by `&`, the last with `:*` (prefix match).
 * `["fix", "depl"]` → `'fix' & 'depl':*`. Given as a bound parameter, never spliced into SQL.
 */
export function tsqueryAllOf(terms: readonly string[]): string {
  return terms.map((t, i) => `'${t.replaceAll("'", "''")}'${i === terms.length - 1 ? ":*" : ""}`).join(" & ");
}

/** The newest message id + 1 (1 when there is none): the top of a first page's window. */
async function topOfLog(db: Db): Promise<number> {
  const row = await db
    .selectFrom("message")
    .select((eb) => eb.fn.max("id").as("max"))
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

/**
 * The statement of one page: the hits with `lo <= id < hi`, in rooms the
 * caller may read, newest first, `limit + 1` of them (one more tells whether
 * the window holds an older page). What the caller may read: a public room
 * (looked up by its key for each hit in the window), or one of their own
 * rooms (one set, read once per statement, not a lookup per hit).
 */
export function searchStatement(db: Db, q: SearchQuery & { lo: number; hi: number }) {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const matches = postgres
    ? sql<boolean>`message.search_vector @@ to_tsquery('simple', ${tsqueryAllOf(q.terms)})`
    : sql<boolean>`message.id in (select rowid from message_fts where message_fts match ${fts5AllOf(q.terms)} and rowid >= ${q.lo} and rowid < ${q.hi})`;
  let query = messages(db)
    .where(matches)
    .where("message.id", ">=", q.lo)
    .where("message.id", "<", q.hi)
    .where("message.deleted", "=", 0);
  if (q.room !== undefined) {
    // The access seam has already said the caller may read it.
    query = query.where("message.room", "=", q.room);
  } else {
    // Public rooms by the room's key, per hit (at most the window's); the caller's own rooms as one set, read once.
    const userId = q.userId;
    query = query
      .innerJoin("room", "room.name", "message.room")
      .where((eb) =>
        userId === null
          ? eb("room.visibility", "=", "public")
          : eb.or([
              eb("room.visibility", "=", "public"),
              eb(
                "message.room",
                "in",
                eb.selectFrom("room_member").select("room_member.room").where("room_member.user_id", "=", userId),
              ),
            ]),
      );
  }
  return query.orderBy("message.id", "desc").limit(q.limit + 1);
}

export async function searchMessages(db: Db, q: SearchQuery): Promise<SearchPage> {
  // A `before` past the newest message would spend the window on ids that do not exist yet.
  const hi = Math.min(q.before ?? Number.POSITIVE_INFINITY, await topOfLog(db));
  const lo = Math.max(1, hi - (q.scanIds ?? SEARCH_SCAN_IDS));
  const rows = await searchStatement(db, { ...q, lo, hi }).execute();
  const found = await withAttachments(db, rows.slice(0, q.limit).map(toMessage));
  const page = found.map((message) => ({ ...message, highlights: highlightRanges(message.text, q.terms) }));
  // A full page: the next starts below its last hit. Else, if older ids exist, below the window.
  const nextCursor = rows.length > q.limit ? page[page.length - 1]!.id : lo > 1 ? lo : null;
  return { results: page, nextCursor };
}
