/**
 * Password hashing: Argon2id through Bun.password, at most `concurrency`
 * hashes at once so a burst of logins leaves a core for everyone else.
 */
import { createSemaphore } from "../limits/semaphore.ts";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

export function createPasswordHasher(concurrency = Number.POSITIVE_INFINITY): PasswordHasher {
  const slots = createSemaphore(concurrency);
  return {
    hash: (password) => slots.run(() => Bun.password.hash(password, { algorithm: "argon2id" })),
    verify: (password, hash) => slots.run(() => Bun.password.verify(password, hash)),
  };
}
