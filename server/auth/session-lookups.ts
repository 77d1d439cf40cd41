/**
 * Looking sessions up by token, shared and kept briefly. A burst of connects
 * (a deploy, a network blip: every tab of every user at once) asks for the same
 * few sessions many times within a second: lookups of one token that overlap
 * share one query, and an answer that a session stands is kept for `keepMs`
 * from when its query started. A session's end must never wait for that: `clear()`
 * (a session ended here, or is announced ended from elsewhere, or may have been:
 * a lag) drops every kept answer and every lookup in flight at once, and a lookup
 * that began before a clear answers its own caller but is kept by nobody.
 */

export interface Lookups<T extends { expiresAt: Date }> {
  /** The answer for `token`; `fresh`: never a kept one (the re-check of a socket that calls). */
  get(token: string, fresh?: boolean): Promise<T | null>;
  /** Sessions ended, or may have: nothing read before now answers again. */
  clear(): void;
}

/** How long an answer that a session stands is kept: the window in which a session ended elsewhere, unannounced, may still be seen here. */
export const SESSION_LOOKUP_KEEP_MS = 1000;

/** Kept answers at most (a burst's sessions): past it, the oldest are dropped. */
const MAX_KEPT = 10_000;

export function createSessionLookups<T extends { expiresAt: Date }>(
  lookUp: (token: string) => Promise<T | null>,
  { keepMs = SESSION_LOOKUP_KEEP_MS, now = Date.now }: { keepMs?: number | undefined; now?: () => number } = {},
): Lookups<T> {
  const inFlight = new Map<string, Promise<T | null>>();
  const kept = new Map<string, { answer: T; until: number }>();
  /** Moves on at each clear: a lookup keeps its answer only if none came while it ran. */
  let generation = 0;

  function start(token: string): Promise<T | null> {
    const began = now();
    const at = generation;
    const pending = lookUp(token);
    inFlight.set(token, pending);
    const settle = (answer: T | null) => {
      if (inFlight.get(token) === pending) inFlight.delete(token);
      if (answer && at === generation) {
        if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
        kept.set(token, { answer, until: Math.min(began + keepMs, answer.expiresAt.getTime()) });
      }
    };
    pending.then(settle, () => settle(null));
    return pending;
  }

  return {
    get(token, fresh = false) {
      if (!fresh) {
        const hit = kept.get(token);
        if (hit && hit.until > now()) return Promise.resolve(hit.answer);
        if (hit) kept.delete(token);
      }
      return inFlight.get(token) ?? start(token);
    },
    clear() {
      generation++;
      inFlight.clear();
      kept.clear();
    },
  };
}
