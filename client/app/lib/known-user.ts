/**
 * Who was signed in on this browser when the server last said so, kept in the
 * page's storage: a reload with no network then still knows whose outbox and
 * saved history to show. It proves nothing to the server (the session cookie
 * does); a send made with it and no valid session is refused as usual.
 */
import type { KeyValueStorage, ListableStorage } from "./outbox.ts";

const KEY = "parlor.user.v1";

export function createKnownUser<U extends { username: string }>(storage: KeyValueStorage | null) {
  return {
    get(): U | null {
      try {
        const value: unknown = JSON.parse(storage?.getItem(KEY) ?? "null");
        return typeof value === "object" &&
          value !== null &&
          typeof (value as { username?: unknown }).username === "string"
          ? (value as U)
          : null;
      } catch {
        return null;
      }
    },
    set(user: U | null): void {
      try {
        if (user) storage?.setItem(KEY, JSON.stringify(user));
        else storage?.removeItem(KEY);
      } catch {
        // Storage refused (full, or disabled): offline reloads will read as signed out.
      }
    },
  };
}

/** The browser's localStorage, or null where it is unavailable (disabled, or a sandboxed frame). */
export function browserStorage(): ListableStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
