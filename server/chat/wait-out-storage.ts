/**
 * A stream's database read that waits out an outage: while the database cannot
 * be reached (db/unavailable.ts), the read is tried again with back-off, for as
 * long as the stream stands, and the stream carries on from where it was once
 * it answers. An open stream has nothing better to do meanwhile, and ending it
 * would be final for a stock tRPC client (an error result ends its subscription).
 * Any other error is thrown at once. When `signal` aborts during a wait, the
 * storage error is thrown: the stream is over anyway.
 */
import { isStorageUnavailable } from "../../db/unavailable.ts";
import { STORAGE_RETRY_FIRST_MS, STORAGE_RETRY_MAX_MS } from "../limits/defaults.ts";

export interface WaitOptions {
  /** First wait, doubled after each failure up to `maxDelayMs` (plus up to 20% jitter, so streams do not retry in step). */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export async function waitOutStorage<T>(
  read: () => Promise<T>,
  signal: AbortSignal,
  { firstDelayMs = STORAGE_RETRY_FIRST_MS, maxDelayMs = STORAGE_RETRY_MAX_MS }: WaitOptions = {},
): Promise<T> {
  for (let delay = firstDelayMs; ; delay = Math.min(delay * 2, maxDelayMs)) {
    try {
      return await read();
    } catch (error) {
      if (!isStorageUnavailable(error) || signal.aborted) throw error;
      if (!(await sleep(delay * (1 + Math.random() / 5), signal))) throw error;
    }
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", aborted);
      resolve(slept);
    };
    const aborted = () => done(false);
    const timer = setTimeout(done, ms, true);
    signal.addEventListener("abort", aborted, { once: true });
  });
}
