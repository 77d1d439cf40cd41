/**
 * The periodic purge of expired sessions. Started by the app, stopped by its
 * close(): nothing runs at import. Sweeps never overlap, and a failed sweep
 * (the database away for a moment) is reported and retried at the next tick.
 */
import { SESSION_SWEEP_MS } from "../limits/defaults.ts";

export interface SessionSweepOptions {
  /** Deletes expired sessions (or, for the sockets' re-check, closes those of ended ones); resolves to how many. */
  purge(): Promise<number>;
  intervalMs: number;
  onError?: (error: unknown) => void;
}

export interface SessionSweep {
  /** Sweeps run so far (finished, successfully or not). */
  readonly runs: number;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

export function startSessionSweep({ purge, intervalMs, onError = () => {} }: SessionSweepOptions): SessionSweep {
  let running: Promise<void> | null = null;
  let runs = 0;
  const timer = setInterval(() => {
    if (running) return;
    running = purge()
      .then(
        () => {},
        (error) => onError(error),
      )
      .finally(() => {
        runs++;
        running = null;
      });
  }, intervalMs);
  // A sweep is housekeeping: it never keeps a process alive by itself.
  timer.unref?.();
  return {
    get runs() {
      return runs;
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * How often to sweep for a session lifetime: once per lifetime, within
 * SESSION_SWEEP_MS (at most hourly, at least every second), so an expired row
 * outlives its expiry by at most one interval.
 */
export const sweepIntervalMs = (sessionTtlSeconds: number) =>
  Math.max(SESSION_SWEEP_MS.min, Math.min(SESSION_SWEEP_MS.max, sessionTtlSeconds * 1000));
