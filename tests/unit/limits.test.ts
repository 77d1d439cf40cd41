import { describe, expect, test } from "bun:test";
import { createRateLimiter } from "../../server/limits/rate-limiter.ts";
import { createSemaphore } from "../../server/limits/semaphore.ts";

describe("rate limiter (token bucket)", () => {
  test("allows a burst, refuses the flood after it, and says when to retry", () => {
    let t = 0;
    const limiter = createRateLimiter({ burst: 3, perSecond: 2 }, () => t);
    expect([limiter.take("ann"), limiter.take("ann"), limiter.take("ann")]).toEqual([0, 0, 0]);
    expect(limiter.take("ann")).toBe(500);
    t = 499;
    expect(limiter.take("ann")).toBeGreaterThan(0);
    t = 1000;
    expect(limiter.take("ann")).toBe(0);
  });

  test("keys are independent: one user's flood does not limit another", () => {
    const t = 0;
    const limiter = createRateLimiter({ burst: 1, perSecond: 1 }, () => t);
    expect(limiter.take("ann")).toBe(0);
    expect(limiter.take("ann")).toBeGreaterThan(0);
    expect(limiter.take("ben")).toBe(0);
  });

  test("refilled buckets are forgotten, so many distinct keys do not grow memory", () => {
    let t = 0;
    const limiter = createRateLimiter({ burst: 5, perSecond: 10 }, () => t);
    for (let i = 0; i < 5000; i++) {
      t += 1;
      limiter.take(`ip-${i}`);
    }
    expect(limiter.size()).toBeLessThan(1100);
  });
});

describe("semaphore", () => {
  test("runs at most `limit` tasks at once and all of them eventually", async () => {
    const sem = createSemaphore(2);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sem.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await Bun.sleep(2);
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(2);
    expect(sem.active()).toBe(0);
  });

  test("a failing task releases its slot", async () => {
    const sem = createSemaphore(1);
    await expect(sem.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await sem.run(async () => "next")).toBe("next");
  });
});
