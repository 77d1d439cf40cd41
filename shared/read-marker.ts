/**
 * Moves a reader's marker (`room.markRead`) as messages are seen: on the web
 * page as they show on screen, in the CLI's `tail` as they are printed. At
 * most one call per `intervalMs`, with the highest seq seen by then; never
 * backwards, never a seq already stored; one call at a time; what is pending
 * at `flush` or `dispose` goes at once, so leaving loses no sighting.
 * Pure and isomorphic: the timers and the clock are parameters.
 */

export interface MarkerTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  now(): number;
}

/** The host's timers; a pending mark never keeps a process alive by itself (exit flushes instead). */
export const realMarkerTimers: MarkerTimers = {
  setTimeout(run, ms) {
    const timer = setTimeout(run, ms);
    (timer as { unref?: () => void }).unref?.();
    return timer;
  },
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface ReadMarkerOptions {
  /** Sends the marker, e.g. `(seq) => client.room.markRead.mutate({ room, seq })`; resolves once stored. */
  markRead: (seq: number) => Promise<unknown>;
  /** The marker the server holds already (nothing at or below it is sent). */
  initial?: number;
  /** The least time between two calls (default 1 s). */
  intervalMs?: number;
  /**
   * True: a sighting after a quiet interval goes at once (the page shows a
   * message read as soon as it is seen). False (the default): it waits the
   * interval too, so a burst of printed lines costs one call.
   */
  leading?: boolean;
  /**
   * Told of a failed call. "stop" ends marking (a refusal is final: a removed
   * member or an ended session is not let in by retrying); otherwise the next
   * sighting tries again (offline for a while).
   */
  onError?: (error: unknown) => "stop" | "retry";
  timers?: MarkerTimers;
}

export function createReadMarker({
  markRead,
  initial = 0,
  intervalMs = 1000,
  leading = false,
  onError,
  timers = realMarkerTimers,
}: ReadMarkerOptions) {
  /** The highest seq known to be stored. */
  let sent = initial;
  /** The highest seq seen. */
  let seen = initial;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let timer: unknown = null;
  let inFlight: Promise<void> | null = null;
  let stopped = false;
  let disposed = false;

  function cancelTimer() {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  }

  /** Sends the highest seq seen now (after the call on its way, if any); resolves once answered. */
  function flush(): Promise<void> {
    cancelTimer();
    if (inFlight) return inFlight.then(flush);
    if (stopped || seen <= sent) return Promise.resolve();
    const seq = seen;
    lastSentAt = timers.now();
    inFlight = markRead(seq).then(
      () => {
        sent = Math.max(sent, seq);
        inFlight = null;
        schedule();
      },
      (error: unknown) => {
        inFlight = null;
        if (onError?.(error) === "stop") stopped = true;
      },
    );
    return inFlight;
  }

  function schedule() {
    if (disposed || stopped || timer !== null || inFlight || seen <= sent) return;
    const wait = leading ? lastSentAt + intervalMs - timers.now() : intervalMs;
    if (wait <= 0) void flush();
    else timer = timers.setTimeout(flush, wait);
  }

  return {
    /** Message (or entry) `seq` was seen: it is marked read within the interval. */
    seen(seq: number) {
      if (disposed || seq <= seen) return;
      seen = seq;
      schedule();
    },
    /** The server's marker moved (another tab, another device): nothing at or below it needs sending. */
    known(seq: number) {
      if (seq > sent) sent = seq;
      if (seq > seen) seen = seq;
    },
    /** Marks everything seen so far now; resolves when the server has it (or refused it). */
    flush,
    /** Stops; what was seen and not yet sent goes now (leaving the room must not lose the last sighting). */
    dispose(): Promise<void> {
      if (disposed) return Promise.resolve();
      const last = flush();
      disposed = true;
      return last;
    },
  };
}

export type ReadMarker = ReturnType<typeof createReadMarker>;
