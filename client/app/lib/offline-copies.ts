/**
 * What the page keeps in the browser's storage so that one user can work
 * offline — the saved history of rooms (private ones too) and the outbox of
 * messages not sent yet — must not outlive that user's session. When the app
 * learns the session is gone (signed out everywhere, a password changed
 * elsewhere, an expiry), a lost device that reloads, even offline, must show
 * none of it. This removes all of it for one user, including entries no index
 * lists any more.
 */
import { isHistoryKeyOf } from "./history-cache.ts";
import { isOutboxKeyOf, type ListableStorage } from "./outbox.ts";

/** Removes every saved room and every outbox of `user`; other users' entries stay. Returns how many entries went. */
export function forgetOfflineCopies(storage: ListableStorage, user: string): number {
  const owned: string[] = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key !== null && (isHistoryKeyOf(user, key) || isOutboxKeyOf(user, key))) owned.push(key);
    }
    // Listed first, removed after: removing while walking shifts the indexes.
    for (const key of owned) storage.removeItem(key);
  } catch {
    // Storage unavailable (disabled, a sandboxed frame): it holds nothing to forget.
  }
  return owned.length;
}
