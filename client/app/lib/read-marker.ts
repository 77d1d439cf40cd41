/**
 * Moves the read marker (`room.markRead`) as messages are seen, at most once
 * per `intervalMs`: the first sighting goes at once, later ones are gathered
 * and the highest seq goes when the interval is up. Never backwards, never a
 * seq already sent; a failed call is retried with the next sighting; what is
 * pending when it stops is sent then.
 */
export interface ReadMarkerOptions {
  /** Sends the marker; resolves once stored. */
  markRead: (seq: number) => Promise<unknown>;
  /** The marker the server holds already (nothing at or below it is sent). */
  initial?: number;
  intervalMs?: number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  now?: () => number;
}

export function createReadMarker({
  markRead,
  initial = 0,
  intervalMs = 500,
  setTimer = (run, ms) => setTimeout(run, ms),
  clearTimer = (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
  now = Date.now,
}: ReadMarkerOptions) {
  /** The highest seq known to be stored. */
  let sent = initial;
  /** The highest seq seen. */
  let seen = initial;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let timer: unknown = null;
  let inFlight = false;
  let disposed = false;

  function flush() {
    timer = null;
    if (disposed || inFlight || seen <= sent) return;
    const seq = seen;
    inFlight = true;
    lastSentAt = now();
    markRead(seq).then(
      () => {
        sent = Math.max(sent, seq);
        inFlight = false;
        schedule();
      },
      () => {
        inFlight = false;
      },
    );
  }

  function schedule() {
    if (disposed || timer !== null || inFlight || seen <= sent) return;
    const wait = lastSentAt + intervalMs - now();
    if (wait <= 0) flush();
    else timer = setTimer(flush, wait);
  }

  return {
    /** A message with this seq was seen on screen. */
    seen(seq: number) {
      if (seq <= seen) return;
      seen = seq;
      schedule();
    },
    /** The server's marker moved (another tab): nothing at or below it needs sending. */
    known(seq: number) {
      if (seq > sent) sent = seq;
      if (seq > seen) seen = seq;
    },
    /** The highest seq seen so far. */
    highestSeen: () => seen,
    /** Stops; what was seen and not yet sent goes now (leaving the room must not lose the last sighting). */
    dispose() {
      if (disposed) return;
      disposed = true;
      if (timer !== null) clearTimer(timer);
      timer = null;
      if (seen > sent) markRead(seen).catch(() => {});
    },
  };
}

export type ReadMarker = ReturnType<typeof createReadMarker>;
