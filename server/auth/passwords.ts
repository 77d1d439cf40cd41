/**
 * Password hashing: Argon2id through Bun.password, at most `concurrency`
 * hashes at once so a burst of logins leaves a core for everyone else.
 */
import { createSemaphore, type Semaphore } from "../limits/semaphore.ts";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

/** `concurrency`: a count for this process, or slots shared with others (a supervisor's, see cluster/hash-slots.ts). */
export function createPasswordHasher(concurrency: number | Semaphore = Number.POSITIVE_INFINITY): PasswordHasher {
  const slots = typeof concurrency === "number" ? createSemaphore(concurrency) : concurrency;
  return {
    hash: (password) => slots.run(() => Bun.password.hash(password, { algorithm: "argon2id" })),
    verify: (password, hash) => slots.run(() => Bun.password.verify(password, hash)),
  };
}
