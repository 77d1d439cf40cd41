/**
 * Keeps SQLite's search index (FTS5) up to the newest message, in batches, off
 * the send path: a message is indexed a moment after its commit, with the
 * others sent meanwhile, in the indexer's own transactions (large ones: FTS5
 * writes a segment per transaction), instead of by a trigger in every send's.
 * The index holds every message up to a watermark persisted in the database
 * (db/migrations/2026-12-10T01-search-watermark.ts), so a restart, or another
 * process sharing the file, carries on from it; edits and deletes below it go
 * on through triggers, and above it the indexer reads the text as it is then.
 * A search calls `catchUp` first: what was acknowledged before it is found.
 * PostgreSQL indexes each row as it is written (a generated column): nothing to do.
 */
import { PostgresAdapter, sql } from "kysely";
import type { Db } from "../../db/index.ts";
import { SEARCH_INDEX_BATCH, SEARCH_INDEX_DELAY_MS, SEARCH_INDEX_PAUSE_MS } from "../limits/defaults.ts";

export interface SearchIndexer {
  /** Resolves once every message committed before the call is in the index. */
  catchUp(): Promise<void>;
  /** Messages were committed: they are indexed soon, with others. */
  written(): void;
  /** Stops the timer and waits for a run under way. */
  close(): Promise<void>;
}

export interface SearchIndexerOptions {
  delayMs?: number;
  /** Messages per transaction. */
  batch?: number;
  /** Hears of a background run that failed (the next run, or a search, tries again). */
  onError?: (error: unknown) => void;
}

/** Whether messages above the watermark exist: a read, no transaction. */
async function behind(db: Db): Promise<boolean> {
  const { rows } = await sql<{ behind: number }>`select (select indexed_up_to from search_watermark where id = 1)
    < (select coalesce(max(id), 0) from message) as behind`.execute(db);
  return Number(rows[0]?.behind) === 1;
}

/**
 * Indexes the messages just above the watermark, `batch` ids at most, and
 * moves the watermark past them, in one transaction. The insert comes first:
 * it takes the write lock before anything is read. Returns whether it reached
 * the newest message. The watermark never goes down (the newest messages
 * may have been removed), so nothing is indexed twice.
 */
async function indexBatch(db: Db, batch: number): Promise<boolean> {
  const watermark = sql`(select indexed_up_to from search_watermark where id = 1)`;
  const { rows } = await db.transaction().execute(async (trx) => {
    await sql`insert into message_fts(rowid, text) select id, text from message
      where id > ${watermark} and id <= ${watermark} + ${batch} and deleted = 0`.execute(trx);
    return sql<{ reached: number }>`update search_watermark
      set indexed_up_to = max(indexed_up_to, min(indexed_up_to + ${batch}, (select coalesce(max(id), 0) from message)))
      where id = 1 returning indexed_up_to >= (select coalesce(max(id), 0) from message) as reached`.execute(trx);
  });
  return Number(rows[0]?.reached ?? 1) === 1;
}

export function createSearchIndexer(
  db: Db,
  { delayMs = SEARCH_INDEX_DELAY_MS, batch = SEARCH_INDEX_BATCH, onError = defaultError }: SearchIndexerOptions = {},
): SearchIndexer {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    return { catchUp: async () => {}, written() {}, close: async () => {} };
  }
  /** The last run queued (runs go one at a time); `next`: one queued and not started, which a caller may share. */
  let last: Promise<void> = Promise.resolve();
  let next: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** Closed: a commit that lands after close (a batch in flight) starts no run on a database about to be destroyed. */
  let closed = false;

  /** Ids per transaction now: halved while a batch takes longer than the pause it may cause, grown back to `batch`. */
  let size = batch;

  async function indexAll(): Promise<void> {
    if (!(await behind(db))) return;
    for (;;) {
      const started = performance.now();
      const reached = await indexBatch(db, size);
      const took = performance.now() - started;
      if (took > SEARCH_INDEX_PAUSE_MS) size = Math.max(1, size >> 1);
      else if (took < SEARCH_INDEX_PAUSE_MS / 2) size = Math.min(batch, size * 2);
      if (reached) return;
      // Let sends through between two batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** A run that starts after every call made so far: one not yet started sees their commits too. */
  function run(): Promise<void> {
    if (next) return next;
    const queued = last
      .catch(() => {})
      .then(() => {
        next = null;
        return indexAll();
      });
    next = last = queued;
    return queued;
  }

  function written(): void {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = null;
      run().catch(onError);
    }, delayMs);
    // A pending index run does not keep the process alive: the next start or search does it.
    timer.unref?.();
  }

  // What a previous process left unindexed.
  written();
  return {
    catchUp: run,
    written,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await last.catch(() => {});
    },
  };
}

function defaultError(error: unknown): void {
  console.error("indexing messages for search failed; the next run tries again", error);
}
