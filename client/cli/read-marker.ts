/**
 * `tail` marks what it printed as read: the newest printed entry's seq goes to
 * `room.markRead` at most once per interval (a busy room costs one call a
 * second, not one per line), and once more at exit so nothing printed is left
 * unread. Calls go one at a time, in order; the server only moves a marker
 * forward anyway.
 */

export interface ReadMarker {
  /** Entry `seq` was printed: it is marked read within the interval. */
  saw(seq: number): void;
  /** Marks everything printed so far now, and resolves when the server has it (or refused it). */
  flush(): Promise<void>;
}

export interface ReadMarkerOptions {
  /** Sends the marker, e.g. `(seq) => client.room.markRead.mutate({ room, seq })`. */
  mark: (seq: number) => Promise<unknown>;
  /** Told of the first refusal; marking stops there (a removed member or an ended session will not be let in by retrying). */
  onError: (error: unknown) => void;
  /** The least time between two calls (default 1 s). */
  intervalMs?: number;
}

export function createReadMarker({ mark, onError, intervalMs = 1000 }: ReadMarkerOptions): ReadMarker {
  let seen = 0;
  let sent = 0;
  let failed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let queue: Promise<void> = Promise.resolve();

  const send = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    queue = queue.then(async () => {
      if (failed || seen <= sent) return;
      const seq = seen;
      try {
        await mark(seq);
        sent = seq;
      } catch (error) {
        failed = true;
        onError(error);
      }
    });
    return queue;
  };

  return {
    saw(seq) {
      if (failed || seq <= seen) return;
      seen = seq;
      if (timer === undefined) {
        timer = setTimeout(send, intervalMs);
        // A pending mark never keeps the process alive by itself; exit flushes instead.
        timer.unref?.();
      }
    },
    flush: send,
  };
}
