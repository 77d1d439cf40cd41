/**
 * At most `limit` tasks at once; the rest wait in line. Bounds CPU-heavy work
 * (password hashing) so a burst of logins cannot take every core from the
 * event loop that serves everyone else.
 */
export interface Semaphore {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Waits for a place; call the returned function (once) to give it back. */
  acquire(): Promise<() => void>;
  /** Tasks running now. */
  active(): number;
  /** Tasks waiting. */
  waiting(): number;
}

export function createSemaphore(limit: number): Semaphore {
  let running = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else running--;
  };
  const acquire = async () => {
    if (running < limit) running++;
    else await new Promise<void>((resolve) => queue.push(resolve));
    let released = false;
    return () => {
      if (!released) release();
      released = true;
    };
  };
  return {
    async run(task) {
      const done = await acquire();
      try {
        return await task();
      } finally {
        done();
      }
    },
    acquire,
    active: () => running,
    waiting: () => queue.length,
  };
}
