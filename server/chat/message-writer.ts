/**
 * Group commit for new messages: sends that arrive while a write is under way
 * (or within one turn of the event loop) are stored together in one
 * transaction, and each is acknowledged only after that commit — the same
 * durability as a transaction per message, at a fraction of the commits. Under
 * light load a batch is one message; under heavy load batches grow by
 * themselves, up to `maxBatch`.
 */
import type { Db } from "../../db/index.ts";
import type { NewMessage } from "./log-rows.ts";
import { type BatchResult, type Stored, storeMessageBatch } from "./message-store.ts";

interface Pending {
  msg: NewMessage;
  resolve: (stored: Stored) => void;
  reject: (error: unknown) => void;
}

export interface MessageWriterOptions {
  maxBatch?: number;
  /** Told after each commit that stored messages (the search indexer takes them from there). */
  onCommitted?: () => void;
}

export function createMessageWriter(db: Db, { maxBatch = 256, onCommitted }: MessageWriterOptions = {}) {
  let pending: Pending[] = [];
  let writing = false;
  let scheduled = false;

  function schedule(): void {
    if (scheduled || writing) return;
    scheduled = true;
    // After this turn's other sends have queued: they share the commit.
    setImmediate(write);
  }

  /**
   * Needed for correctness, not speed: a batch whose transaction failed is stored
   * again as batches of one, so a database error caused by one message stays its
   * own and the others are stored. A refusal by the rules never gets here (it is
   * that message's result); a database error fails the whole transaction: a
   * racing copy of a send already stored its client id (a unique violation that
   * appendMessage answers with the stored copy), or a storage error. (Batches
   * lock their rooms in name order, so two processes' batches do not deadlock.)
   */
  async function oneByOne(batch: Pending[]): Promise<BatchResult[]> {
    const results: BatchResult[] = [];
    for (const p of batch) {
      try {
        results.push(...(await storeMessageBatch(db, [p.msg])));
      } catch (error) {
        results.push({ ok: false, error });
      }
    }
    return results;
  }

  async function write(): Promise<void> {
    scheduled = false;
    writing = true;
    try {
      while (pending.length) {
        const batch = pending.length <= maxBatch ? pending : pending.slice(0, maxBatch);
        pending = pending.length <= maxBatch ? [] : pending.slice(maxBatch);
        let results: BatchResult[];
        try {
          results = await storeMessageBatch(
            db,
            batch.map((p) => p.msg),
          );
        } catch (error) {
          results = batch.length === 1 ? [{ ok: false, error }] : await oneByOne(batch);
        }
        if (onCommitted && results.some((r) => r.ok)) onCommitted();
        batch.forEach((p, i) => {
          const r = results[i]!;
          if (r.ok) p.resolve(r.value);
          else p.reject(r.error);
        });
      }
    } finally {
      writing = false;
      if (pending.length) schedule();
    }
  }

  return {
    /** Stores `msg` as its room's next seq; resolves once it is committed. */
    store(msg: NewMessage): Promise<Stored> {
      return new Promise<Stored>((resolve, reject) => {
        pending.push({ msg, resolve, reject });
        schedule();
      });
    },
  };
}

export type MessageWriter = ReturnType<typeof createMessageWriter>;
