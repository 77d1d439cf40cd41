/**
 * Confirming what arrives from the network (Redis) against the database, in
 * batches. An event only claims an entry; the database holds it or not. The
 * seqs asked for in one event-loop turn are read per room as ranges (one range
 * when they are close together, as a burst from another process is), and each
 * event gets the stored entry at its seq, or null (forged, or corrupt). Seqs
 * further apart than `span` are read separately: a huge forged seq costs one
 * empty read of its own, never a scan from the room's real seqs up to it.
 * Each event is read once however many local subscribers ask for it. With
 * `readRanges`, a turn's ranges of all rooms go in one read (up to `rangesPerRead`):
 * many busy rooms, as on a node among several, cost a few statements per turn, not
 * a few per room.
 */
import type { EntryEvent, RoomEntry, RoomName } from "../../shared/schemas.ts";
import { REPLAY_BATCH } from "../limits/defaults.ts";

export interface EntryConfirmerOptions {
  /** The room's stored entries with `after < seq ≤ upTo`, oldest first (log-reader.ts `entriesBetween`). */
  read: (room: RoomName, after: number, upTo: number) => Promise<RoomEntry[]>;
  /** Several ranges at once, each answered as `read` answers it (log-reader.ts `entriesOfRanges`). */
  readRanges?: (ranges: Range[]) => Promise<RoomEntry[][]>;
  /** The most seqs one range covers. */
  span?: number;
  /** The most ranges one `readRanges` call covers (its statement grows with each). */
  rangesPerRead?: number;
}

interface Range {
  room: RoomName;
  after: number;
  upTo: number;
}

type Answer = PromiseWithResolvers<RoomEntry | null>;
/** A range to read and the questions it answers: `seqs` ascending, within one span. */
type Question = { range: Range; seqs: number[]; answers: Map<number, Answer> };

export function createEntryConfirmer({
  read,
  readRanges,
  span = REPLAY_BATCH,
  rangesPerRead = 100,
}: EntryConfirmerOptions) {
  const confirmed = new WeakMap<EntryEvent, Promise<RoomEntry | null>>();
  /** This turn's questions: room → seq → its answer. */
  let asked = new Map<RoomName, Map<number, Answer>>();

  function readAll() {
    const rooms = asked;
    asked = new Map();
    const questions: Question[] = [];
    for (const [room, bySeq] of rooms) {
      const seqs = [...bySeq.keys()].sort((a, b) => a - b);
      for (let i = 0; i < seqs.length; ) {
        const first = seqs[i]!;
        let j = i;
        while (j + 1 < seqs.length && seqs[j + 1]! < first + span) j++;
        const batch = seqs.slice(i, j + 1);
        questions.push({
          range: { room, after: first - 1, upTo: batch[batch.length - 1]! },
          seqs: batch,
          answers: bySeq,
        });
        i = j + 1;
      }
    }
    if (!readRanges || questions.length === 1) {
      for (const q of questions)
        answer(
          [q],
          read(q.range.room, q.range.after, q.range.upTo).then((e) => [e]),
        );
      return;
    }
    for (let i = 0; i < questions.length; i += rangesPerRead) {
      const some = questions.slice(i, i + rangesPerRead);
      answer(some, readRanges(some.map((q) => q.range)));
    }
  }

  /** Each question gets the entry at each of its seqs from its range's list, or null; a failed read fails them all. */
  function answer(questions: Question[], lists: Promise<RoomEntry[][]>) {
    lists.then(
      (found) => {
        questions.forEach((q, i) => {
          const bySeq = new Map(found[i]!.map((e) => [e.seq, e]));
          for (const seq of q.seqs) q.answers.get(seq)!.resolve(bySeq.get(seq) ?? null);
        });
      },
      (error) => {
        for (const q of questions) for (const seq of q.seqs) q.answers.get(seq)!.reject(error);
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
