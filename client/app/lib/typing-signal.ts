/**
 * Tells the room "I am typing" while the draft changes, at most once per
 * `intervalMs` (the server keeps the signal for 5 s, so one every 2.5 s keeps
 * it up without a gap and stays well inside its rate limit). Nothing is sent
 * for an empty draft or after sending until the next keystroke.
 */
export interface TypingSignalOptions {
  /** Calls `room.typing`. A failure (rate limit, offline) only costs the indicator. */
  signal: () => Promise<unknown>;
  intervalMs?: number;
  now?: () => number;
}

export function createTypingSignal({ signal, intervalMs = 2_500, now = Date.now }: TypingSignalOptions) {
  let lastAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | null = null;

  return {
    /** Call with the draft on each edit. */
    input(draft: string) {
      if (draft.trim() === "") return;
      const at = now();
      if (at - lastAt < intervalMs) return;
      lastAt = at;
      const call: Promise<void> = signal().then(
        () => {},
        () => {},
      );
      inFlight = call;
      void call.then(() => {
        if (inFlight === call) inFlight = null;
      });
    },
    /**
     * Resolves once no signal is on its way. Await it before sending: a signal
     * landing after the message would show the sender typing for 5 s more
     * (the server clears typing when it stores their message).
     */
    settled(): Promise<void> {
      return inFlight ?? Promise.resolve();
    },
    /** The message went: the next keystroke starts another one and signals at once. */
    sent() {
      lastAt = Number.NEGATIVE_INFINITY;
    },
  };
}

export type TypingSignal = ReturnType<typeof createTypingSignal>;
