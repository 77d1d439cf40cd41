/**
 * SQLite's search index (FTS5, 2026-12-01T06-search.ts) is no longer written
 * by a trigger in the transaction of every send: the indexer
 * (server/chat/search-indexer.ts) adds new messages in large batches, up to a
 * watermark kept here, and a search first brings it up to date.
 * - `search_watermark.indexed_up_to`: every message with an id at most this is
 *   in the index in its current state (a deleted one is not); those above are
 *   not, whatever happened to them since.
 * - The edit and delete triggers stay, for messages under the watermark only:
 *   one above it is indexed later with the text it then has.
 * Ids grow in commit order (one writer at a time), so the watermark never
 * passes a message that could still commit under it.
 * PostgreSQL keeps its generated column: it changes nothing there.
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";

const postgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<any>): Promise<void> {
  if (postgres(db)) return;
  await sql`create table search_watermark (id integer primary key check (id = 1), indexed_up_to integer not null)`.execute(
    db,
  );
  // The trigger has indexed every message so far.
  await sql`insert into search_watermark (id, indexed_up_to) select 1, coalesce(max(id), 0) from message`.execute(db);
  for (const trigger of ["message_fts_insert", "message_fts_update", "message_fts_delete"])
    await sql.raw(`drop trigger ${trigger}`).execute(db);
  const indexed = "old.id <= (select indexed_up_to from search_watermark where id = 1)";
  // Reactions rewrite the row with the same text: only a change of text or of `deleted` touches the index.
  await sql
    .raw(`create trigger message_fts_update after update of text, deleted on message
      when (old.text is not new.text or old.deleted is not new.deleted) and ${indexed} begin
      insert into message_fts(message_fts, rowid, text) select 'delete', old.id, old.text where old.deleted = 0;
      insert into message_fts(rowid, text) select new.id, new.text where new.deleted = 0;
    end`)
    .execute(db);
  await sql
    .raw(`create trigger message_fts_delete after delete on message when old.deleted = 0 and ${indexed} begin
      insert into message_fts(message_fts, rowid, text) values ('delete', old.id, old.text);
    end`)
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (postgres(db)) return;
  await sql`insert into message_fts(rowid, text) select id, text from message
    where deleted = 0 and id > (select indexed_up_to from search_watermark where id = 1)`.execute(db);
  for (const trigger of ["message_fts_update", "message_fts_delete"])
    await sql.raw(`drop trigger ${trigger}`).execute(db);
  await sql`drop table search_watermark`.execute(db);
  await sql`create trigger message_fts_insert after insert on message when new.deleted = 0 begin
      insert into message_fts(rowid, text) values (new.id, new.text);
    end`.execute(db);
  await sql`create trigger message_fts_update after update of text, deleted on message
      when old.text is not new.text or old.deleted is not new.deleted begin
      insert into message_fts(message_fts, rowid, text) select 'delete', old.id, old.text where old.deleted = 0;
      insert into message_fts(rowid, text) select new.id, new.text where new.deleted = 0;
    end`.execute(db);
  await sql`create trigger message_fts_delete after delete on message when old.deleted = 0 begin
      insert into message_fts(message_fts, rowid, text) values ('delete', old.id, old.text);
    end`.execute(db);
}
