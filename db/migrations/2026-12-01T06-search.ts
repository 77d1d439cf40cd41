/**
 * Full-text search over messages in their current state. The index follows the
 * `message` row inside the database, so it changes in the very transaction
 * that stores a message, an edit or a delete, whatever code path wrote it:
 * - SQLite: an FTS5 table over `message.text` (external content: the text is
 *   not stored twice), kept by triggers. A deleted message is taken out.
 * - PostgreSQL: a generated `tsvector` column with a GIN index.
 * Both tokenize the same way on purpose: whole words, case folded, no stemming
 * and no accent folding ('simple' / unicode61 without diacritics removal), so
 * a query finds the same messages on either database.
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table message add column search_vector tsvector
      generated always as (case when deleted = 1 then ''::tsvector else to_tsvector('simple', text) end) stored`.execute(
      db,
    );
    await sql`create index message_search on message using gin (search_vector)`.execute(db);
    return;
  }
  await sql`create virtual table message_fts using fts5(text, content='message', content_rowid='id', tokenize='unicode61 remove_diacritics 0')`.execute(
    db,
  );
  await sql`create trigger message_fts_insert after insert on message when new.deleted = 0 begin
      insert into message_fts(rowid, text) values (new.id, new.text);
    end`.execute(db);
  // Reactions rewrite the row with the same text: only a change of text or of `deleted` touches the index.
  await sql`create trigger message_fts_update after update of text, deleted on message
      when old.text is not new.text or old.deleted is not new.deleted begin
      insert into message_fts(message_fts, rowid, text) select 'delete', old.id, old.text where old.deleted = 0;
      insert into message_fts(rowid, text) select new.id, new.text where new.deleted = 0;
    end`.execute(db);
  await sql`create trigger message_fts_delete after delete on message when old.deleted = 0 begin
      insert into message_fts(message_fts, rowid, text) values ('delete', old.id, old.text);
    end`.execute(db);
  await sql`insert into message_fts(rowid, text) select id, text from message where deleted = 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop index message_search`.execute(db);
    await sql`alter table message drop column search_vector`.execute(db);
    return;
  }
  for (const trigger of ["message_fts_insert", "message_fts_update", "message_fts_delete"])
    await sql.raw(`drop trigger ${trigger}`).execute(db);
  await sql`drop table message_fts`.execute(db);
}
