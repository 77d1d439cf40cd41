/**
 * Where one outbox's entries live: a key of the browser's storage (localStorage),
 * read again at every step so two tabs (or a page and its reload) see one outbox.
 * A value another version or a broken write left is read as empty, never thrown.
 */
import { english } from "../../../shared/i18n/index.ts";
/** The part of the Web Storage API the outbox needs (localStorage fits; tests pass a Map-backed one). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Storage that can also list its keys, as the Web Storage API does (to forget one user's entries: offline-copies.ts). */
export interface ListableStorage extends KeyValueStorage {
  readonly length: number;
  key(index: number): string | null;
}

export type OutboxState = "sending" | "failed";

/** A file of a queued message: its attachment id once uploaded; until then its bytes wait in the HeldFileStore. */
export interface OutboxFile {
  name: string;
  size: number;
  id?: string;
}

/** Where the bytes of files typed offline wait (IndexedDB in the browser: held-files.ts; tests pass a Map). */
export interface HeldFileStore {
  put(key: string, file: Blob): Promise<void>;
  get(key: string): Promise<Blob | undefined>;
  delete(key: string): Promise<void>;
}

export class FilesNotKeptError extends Error {
  override name = "FilesNotKeptError";
  constructor() {
    super(english("outbox.filesNotKept"));
  }
}

export interface OutboxEntry {
  /** The id the server dedupes by; made when the message was typed. */
  clientId: string;
  text: string;
  /** The seq of the message it answers, if it is a reply. */
  replyTo?: number;
  /** When it was typed (ISO-8601), to show beside it. */
  createdAt: string;
  state: OutboxState;
  /** Why the server refused it; set when `state` is "failed". */
  reason?: string;
  /** Its files, in the order they show. */
  files?: OutboxFile[];
}

/** Where one user's outbox for one room lives. */
export const outboxKey = (user: string, room: string) => `parlor.outbox.v1:${user}:${room}`;

/** Whether a storage key holds one of `user`'s outboxes (any room). Usernames have no ':'. */
export const isOutboxKeyOf = (user: string, key: string) => key.startsWith(outboxKey(user, ""));

function isFile(value: unknown): value is OutboxFile {
  if (typeof value !== "object" || value === null) return false;
  const f = value as Record<string, unknown>;
  return typeof f.name === "string" && typeof f.size === "number" && (f.id === undefined || typeof f.id === "string");
}

export function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    (e.files === undefined || (Array.isArray(e.files) && e.files.every(isFile))) &&
    typeof e.clientId === "string" &&
    typeof e.text === "string" &&
    typeof e.createdAt === "string" &&
    (e.state === "sending" || e.state === "failed") &&
    (e.replyTo === undefined || typeof e.replyTo === "number")
  );
}

export interface EntryStore {
  read(): OutboxEntry[];
  write(entries: readonly OutboxEntry[]): void;
  /** Applies `change` to the entry with this clientId, if it is still there (null removes it). */
  update(clientId: string, change: (entry: OutboxEntry) => OutboxEntry | null): void;
}

export function createEntryStore(
  storage: KeyValueStorage,
  key: string,
  onChange?: (entries: readonly OutboxEntry[]) => void,
): EntryStore {
  function read(): OutboxEntry[] {
    let raw: string | null;
    try {
      raw = storage.getItem(key);
    } catch {
      return [];
    }
    if (!raw) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
    } catch {
      return [];
    }
  }
  function write(entries: readonly OutboxEntry[]): void {
    if (entries.length === 0) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(entries));
    onChange?.(entries);
  }
  return {
    read,
    write,
    update(clientId, change) {
      const entries = read();
      const at = entries.findIndex((e) => e.clientId === clientId);
      if (at < 0) return;
      const changed = change(entries[at]!);
      if (changed) entries[at] = changed;
      else entries.splice(at, 1);
      write(entries);
    },
  };
}
