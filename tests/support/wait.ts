/** Bounded waiting for asynchronous outcomes: fails with a message, never hangs. */

// setTimeout, not Bun.sleep: the browser suite (Node) waits with these too.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * `waitFor` for an asynchronous check (an HTTP probe, a query): polls every `everyMs` until it holds;
 * fails saying what it waited for.
 */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  ms = 10_000,
  everyMs = 25,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Asserts quiet: resolves when `watched` (a count, the texts shown, …) has not
 * changed over `ms`; fails at the first change, saying what `what` was and became.
 * For "nothing more arrives" after what was awaited, instead of a fixed sleep.
 *
 * @example
 * ```ts
 * await sub.waitForCount(3);
 * await quietFor(200, () => sub.messages.length, "the messages received"); // no duplicate follows
 * ```
 */
export async function quietFor(ms: number, watched: () => unknown, what = "the watched value"): Promise<void> {
  const snapshot = async () => JSON.stringify(await watched());
  const before = await snapshot();
  const start = Date.now();
  for (;;) {
    const now = await snapshot();
    if (now !== before)
      throw new Error(
        `expected ${what} to stay ${before} for ${ms} ms, but after ${Date.now() - start} ms it was ${now}`,
      );
    if (Date.now() - start >= ms) return;
    await sleep(10);
  }
}
