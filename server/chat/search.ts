/**
 * Full-text search over messages in their current state, in the rooms the
 * caller may read: public rooms, and the rooms they are a member of. The index
 * is the database's own (SQLite FTS5, PostgreSQL tsvector + GIN; see
 * db/migrations/2026-12-01T06-search.ts), so an edit or a delete is searchable
 * as soon as it commits. The words come from `searchTerms`: letters and digits
 * only, and each is quoted for FTS5 besides, so no query is ever syntax.
 */
import { PostgresAdapter, sql } from "kysely";
import type { Db } from "../../db/index.ts";
import { highlightRanges, type SearchPage } from "../../shared/search.ts";
import type { RoomName } from "../../shared/schemas.ts";
import { messages, toMessage } from "./repository.ts";

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
}

/** An FTS5 query that means "all these words": each one a quoted string (`"` doubled inside). */
export function fts5AllOf(terms: readonly string[]): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(" ");
}

export async function searchMessages(db: Db, q: SearchQuery): Promise<SearchPage> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const matches = postgres
    ? sql<boolean>`message.search_vector @@ plainto_tsquery('simple', ${q.terms.join(" ")})`
    : sql<boolean>`message.id in (select rowid from message_fts where message_fts match ${fts5AllOf(q.terms)})`;
  let query = messages(db)
    .innerJoin("room", "room.name", "message.room")
    .where(matches)
    .where("message.deleted", "=", 0)
    .where((eb) =>
      q.userId === null
        ? eb("room.visibility", "=", "public")
        : eb.or([
            eb("room.visibility", "=", "public"),
            eb.exists(
              eb
                .selectFrom("room_member")
                .select("room_member.user_id")
                .whereRef("room_member.room", "=", "message.room")
                .where("room_member.user_id", "=", q.userId),
            ),
          ]),
    );
  if (q.room !== undefined) query = query.where("message.room", "=", q.room);
  if (q.before !== undefined) query = query.where("message.id", "<", q.before);
  // One extra row tells whether an older page exists.
  const rows = await query.orderBy("message.id", "desc").limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit).map((row) => {
    const message = toMessage(row);
    return { ...message, highlights: highlightRanges(message.text, q.terms) };
  });
  return { results: page, nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null };
}
