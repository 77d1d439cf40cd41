/**
 * Reads that callers asking the same question at once share. A burst of
 * subscribers of one room (a thousand sockets connecting at once, or all
 * reconnecting after a restart) then costs the room's access answer and newest
 * seq a few times, not once per socket.
 *
 * Per key: the first caller's read starts at once; callers that ask while it runs
 * share the next read, started as soon as it has answered. So a read never
 * answers a caller that asked after it started: what a caller gets is what a
 * query of its own would have said (a change committed before it asked is in the
 * answer; an entry published after it subscribed arrives live). Nothing is
 * remembered once a read has answered.
 */

interface Next<V> {
  read: () => Promise<V>;
  answer: PromiseWithResolvers<V>;
}

interface Key<V> {
  /** Callers who asked while the read in flight ran: they share the next one. */
  next: Next<V> | null;
}

export interface SharedReads<V> {
  /** `read()`'s answer, shared with the other callers asking for `key` before it starts. */
  get(key: string, read: () => Promise<V>): Promise<V>;
  /** Keys with a read in flight (tests). */
  readonly inFlight: number;
}

export function createSharedReads<V>(): SharedReads<V> {
  const keys = new Map<string, Key<V>>();

  const start = (key: string, state: Key<V>, read: () => Promise<V>): Promise<V> => {
    let running: Promise<V>;
    try {
      running = read();
    } catch (error) {
      running = Promise.reject(error);
    }
    const settled = () => {
      const next = state.next;
      state.next = null;
      if (!next) {
        keys.delete(key);
        return;
      }
      // Everyone in `next` asked before this point: a read started now is not older than their question.
      start(key, state, next.read).then(next.answer.resolve, next.answer.reject);
    };
    running.then(settled, settled);
    return running;
  };

  return {
    get(key, read) {
      const state = keys.get(key);
      if (!state) {
        const fresh: Key<V> = { next: null };
        keys.set(key, fresh);
        return start(key, fresh, read);
      }
      state.next ??= { read, answer: Promise.withResolvers<V>() };
      return state.next.answer.promise;
    },
    get inFlight() {
      return keys.size;
    },
  };
}
