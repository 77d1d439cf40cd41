/**
 * The bytes of files typed offline, kept until the outbox uploads them
 * (outbox.ts: HeldFileStore). IndexedDB, because it stores Blobs as they are
 * and far more than localStorage's few megabytes of strings. Keys begin with
 * the outbox's (`parlor.outbox.v1:<user>:<room>:…`), so forgetting a user's
 * offline copies finds them too.
 */
import type { HeldFileStore } from "./outbox.ts";

const DB_NAME = "parlor-held-files";
const STORE = "files";

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB request failed"));
  });
}

function openDatabase(): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === "undefined") return reject(new Error("No IndexedDB in this browser"));
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error ?? new Error("IndexedDB cannot be opened"));
    open.onblocked = () => reject(new Error("IndexedDB is blocked"));
  });
}

/** The browser's store of held files; the database opens at first use. */
export function createHeldFiles(): HeldFileStore & { forget(prefix: string): Promise<void> } {
  let opened: Promise<IDBDatabase> | null = null;
  const database = () => {
    opened ??= openDatabase().catch((error: unknown) => {
      // Tried again next time (a blocked upgrade may clear).
      opened = null;
      throw error;
    });
    return opened;
  };

  /** Runs one request in its own transaction and waits for the transaction to commit. */
  async function run<T>(mode: IDBTransactionMode, make: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const tx = (await database()).transaction(STORE, mode);
    const result = request(make(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    });
    return result;
  }

  return {
    put: async (key, file) => void (await run("readwrite", (store) => store.put(file, key))),
    get: async (key) => {
      const value: unknown = await run("readonly", (store) => store.get(key));
      return value instanceof Blob ? value : undefined;
    },
    delete: async (key) => void (await run("readwrite", (store) => store.delete(key))),
    /** Removes every held file whose key begins with `prefix` (one user's, when their session ends: app.tsx). */
    forget: async (prefix) =>
      void (await run("readwrite", (store) => store.delete(IDBKeyRange.bound(prefix, `${prefix}\uffff`)))),
  };
}
