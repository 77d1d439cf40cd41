/**
 * Reads asked for during one turn of the event loop share one query per key,
 * run once that turn is over. A burst of subscribers of one room (a thousand
 * sockets connecting at once, or all reconnecting after a restart) then costs
 * the room's access answer and newest seq once per turn, not once per socket.
 *
 * Each read starts after every caller that shares it asked, never before: a
 * caller is never answered by a query older than its question, so what it gets
 * is what a query of its own would have said (a change committed before it
 * asked is in the answer; an entry published after it subscribed arrives live).
 * Nothing is remembered once the read has answered.
 */

interface Pending<V> {
  run: () => Promise<V>;
  answer: PromiseWithResolvers<V>;
}

export interface TurnReads<V> {
  /** `read()`'s answer, shared with every other caller asking for `key` during this turn. */
  get(key: string, read: () => Promise<V>): Promise<V>;
  /** Keys asked for and not yet read (tests). */
  readonly waiting: number;
}

export function createTurnReads<V>(): TurnReads<V> {
  let pending = new Map<string, Pending<V>>();
  let scheduled = false;

  const runAll = () => {
    scheduled = false;
    // Taken out before any read starts: a caller asking from here on waits for a read of its own.
    const batch = pending;
    pending = new Map();
    for (const { run, answer } of batch.values()) {
      try {
        run().then(answer.resolve, answer.reject);
      } catch (error) {
        answer.reject(error);
      }
    }
  };

  return {
    get(key, read) {
      let entry = pending.get(key);
      if (!entry) {
        entry = { run: read, answer: Promise.withResolvers<V>() };
        pending.set(key, entry);
        if (!scheduled) {
          scheduled = true;
          setImmediate(runAll);
        }
      }
      return entry.answer.promise;
    },
    get waiting() {
      return pending.size;
    },
  };
}
