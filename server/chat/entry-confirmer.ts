/**
 * Confirming what arrives from the network (Redis) against the database, in
 * batches. An event only claims an entry; the database holds it or not. The
 * seqs asked for in one event-loop turn are read per room as ranges (one range
 * when they are close together, as a burst from another process is), and each
 * event gets the stored entry at its seq, or null (forged, or corrupt). Seqs
 * further apart than `span` are read separately: a huge forged seq costs one
 * empty read of its own, never a scan from the room's real seqs up to it.
 * Each event is read once however many local subscribers ask for it.
 */
import type { EntryEvent, RoomEntry, RoomName } from "../../shared/schemas.ts";
import { REPLAY_BATCH } from "../limits/defaults.ts";

export interface EntryConfirmerOptions {
  /** The room's stored entries with `after < seq ≤ upTo`, oldest first (log-reader.ts `entriesBetween`). */
  read: (room: RoomName, after: number, upTo: number) => Promise<RoomEntry[]>;
  /** The most seqs one read covers. */
  span?: number;
}

type Answer = PromiseWithResolvers<RoomEntry | null>;

export function createEntryConfirmer({ read, span = REPLAY_BATCH }: EntryConfirmerOptions) {
  const confirmed = new WeakMap<EntryEvent, Promise<RoomEntry | null>>();
  /** This turn's questions: room → seq → its answer. */
  let asked = new Map<RoomName, Map<number, Answer>>();

  function readAll() {
    const rooms = asked;
    asked = new Map();
    for (const [room, bySeq] of rooms) {
      const seqs = [...bySeq.keys()].sort((a, b) => a - b);
      for (let i = 0; i < seqs.length; ) {
        const first = seqs[i]!;
        let j = i;
        while (j + 1 < seqs.length && seqs[j + 1]! < first + span) j++;
        readRange(room, seqs.slice(i, j + 1), bySeq);
        i = j + 1;
      }
    }
  }

  /** `seqs` ascending, within one span: one read answers them all. */
  function readRange(room: RoomName, seqs: number[], answers: Map<number, Answer>) {
    read(room, seqs[0]! - 1, seqs[seqs.length - 1]!).then(
      (entries) => {
        const bySeq = new Map(entries.map((e) => [e.seq, e]));
        for (const seq of seqs) answers.get(seq)!.resolve(bySeq.get(seq) ?? null);
      },
      (error) => {
        for (const seq of seqs) answers.get(seq)!.reject(error);
      },
    );
  }

  /** The stored entry `event` claims to be, or null when the database does not hold its seq. */
  return function confirm(event: EntryEvent): Promise<RoomEntry | null> {
    let result = confirmed.get(event);
    if (result) return result;
    if (asked.size === 0) setImmediate(readAll);
    let bySeq = asked.get(event.room);
    if (!bySeq) asked.set(event.room, (bySeq = new Map()));
    let answer = bySeq.get(event.entry.seq);
    if (!answer) bySeq.set(event.entry.seq, (answer = Promise.withResolvers()));
    result = answer.promise;
    confirmed.set(event, result);
    // A failed read is not an answer: the next caller (a stream waiting out an outage) asks again.
    result.catch(() => confirmed.delete(event));
    return result;
  };
}
