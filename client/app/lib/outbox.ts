/**
 * The outbox: messages typed in one room by one user that the server has not
 * stored yet. A send joins it at once (the page shows it as "sending…"), is
 * kept in the browser's storage so a reload does not lose it, and goes out in
 * the order it was typed, each with the `clientId` it got when it was typed.
 *
 * Never twice: the server stores one message per (sender, clientId) and answers
 * a retry with the message it stored, so a send whose answer was lost (the
 * network dropped, the tab was closed, another tab of the same user flushed the
 * same outbox) is simply sent again.
 *
 * An answer from the server that refuses the message (rate limit, bad input, no
 * access) marks it "not sent" with the server's reason, for the person to retry
 * or discard; later messages go on. No answer at all (offline, server down, a
 * 5xx) keeps it queued and stops the flush there, so nothing overtakes it; the
 * next flush starts when the connection is back, or after a bounded backoff.
 *
 * Storage is the source of truth: every step reads it again, so two tabs (or a
 * page and its reload) see one outbox.
 *
 * Files: a message may carry attachments. Those uploaded before it was queued
 * are kept as their ids. Those that could not be uploaded (typed offline) are
 * held as Blobs in a `HeldFileStore` (IndexedDB in the browser: localStorage
 * holds strings, and little of them) under the entry's clientId; the flush
 * uploads them first, in order, records each id in the entry as it comes (a
 * retry does not upload it again), then sends. A refused upload (too big, a
 * type not accepted, over the quota) refuses the message, with the reason.
 */
import { TRPCClientError } from "@trpc/client";
import { UploadError } from "./upload-transport.ts";
import type { OutgoingFile } from "./uploads.ts";

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
    super("This message cannot wait to be sent: this browser cannot keep its files while offline. Send it when you are back online, or without the files.");
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

/** What one send carries to room.send. */
export interface OutboxSend {
  text: string;
  clientId: string;
  replyTo?: number;
  attachments?: string[];
}

/** What the server answered, or that it did not. */
export type SendFailure = { kind: "refused"; reason: string } | { kind: "unreachable" };

/** Codes by which the server refuses this message; sending it again as it is would be refused again. */
const REFUSALS = new Set(["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS", "PAYLOAD_TOO_LARGE", "UNPROCESSABLE_CONTENT"]);

/** A refusal when the server answered with one of the codes above; anything else (no answer, a 5xx) is worth retrying. */
export function classifySendError(error: unknown): SendFailure {
  if (error instanceof UploadError) {
    return error.kind === "unreachable" || error.kind === "cancelled" ? { kind: "unreachable" } : { kind: "refused", reason: error.message };
  }
  if (error instanceof TRPCClientError) {
    const code: unknown = error.data?.code;
    if (typeof code === "string" && REFUSALS.has(code)) return { kind: "refused", reason: error.message || code };
  }
  return { kind: "unreachable" };
}

/** At most this many messages wait per room: a bound on what one page keeps in storage. */
export const OUTBOX_MAX_ENTRIES = 200;

export class OutboxFullError extends Error {
  override name = "OutboxFullError";
  constructor() {
    super(`At most ${OUTBOX_MAX_ENTRIES} messages can wait to be sent. Reconnect, or discard some.`);
  }
}

export interface OutboxOptions<M> {
  storage: KeyValueStorage;
  /** Whose outbox: the signed-in user's name. */
  user: string;
  room: string;
  /** Stores one message on the server; must be idempotent per clientId (room.send is). */
  send: (entry: OutboxSend) => Promise<M>;
  /** For messages with files typed offline: where their bytes wait, and the upload (attachment.upload). */
  files?: { store: HeldFileStore; upload: (file: Blob, name: string) => Promise<{ id: string }> };
  /** Called with each stored message, in order, once it is out of the outbox. */
  onSent?: (message: M, entry: OutboxEntry) => void;
  /** Called whenever the entries change (to redraw). */
  onChange?: (entries: readonly OutboxEntry[]) => void;
  classify?: (error: unknown) => SendFailure;
  newId?: () => string;
  now?: () => Date;
  /** Retry delays after "unreachable", by attempt; default 1 s doubling to 30 s. */
  retryDelayMs?: (attempt: number) => number;
  /** Whether the network is thought to be up (navigator.onLine); when false, no retry is scheduled. */
  online?: () => boolean;
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

function isEntry(value: unknown): value is OutboxEntry {
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

export function createOutbox<M>(options: OutboxOptions<M>) {
  const {
    storage,
    send,
    classify = classifySendError,
    newId = () => crypto.randomUUID(),
    now = () => new Date(),
    retryDelayMs = (attempt) => Math.min(1_000 * 2 ** attempt, 30_000),
    online = () => true,
  } = options;
  const key = outboxKey(options.user, options.room);
  /** Where the bytes of file `index` of entry `clientId` wait; under the outbox's key, so forgetting a user's outboxes finds them. */
  const heldKey = (clientId: string, index: number) => `${key}:${clientId}:${index}`;

  let flushing: Promise<void> | null = null;
  let again = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  /** What storage holds; a value another version or a broken write left is read as empty rather than thrown. */
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
    options.onChange?.(entries);
  }

  /** Applies `change` to the entry with this clientId, if it is still there. */
  function update(clientId: string, change: (entry: OutboxEntry) => OutboxEntry | null): void {
    const entries = read();
    const at = entries.findIndex((e) => e.clientId === clientId);
    if (at < 0) return;
    const changed = change(entries[at]!);
    if (changed) entries[at] = changed;
    else entries.splice(at, 1);
    write(entries);
  }

  function scheduleRetry(): void {
    if (disposed || retryTimer !== undefined || !online()) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void flush();
    }, retryDelayMs(attempt++));
  }

  async function drain(): Promise<void> {
    for (;;) {
      if (disposed) return;
      const next = read().find((e) => e.state === "sending");
      if (!next) return;
      let message: M;
      try {
        const attachments = await uploadHeld(next);
        message = await send({
          text: next.text,
          clientId: next.clientId,
          ...(next.replyTo === undefined ? {} : { replyTo: next.replyTo }),
          ...(attachments === undefined ? {} : { attachments }),
        });
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === "unreachable") {
          scheduleRetry();
          return;
        }
        update(next.clientId, (e) => ({ ...e, state: "failed", reason: failure.reason }));
        continue;
      }
      attempt = 0;
      update(next.clientId, () => null);
      options.onSent?.(message, next);
    }
  }

  /** Uploads the files of `entry` still held on this device, in order, recording each id as it comes; returns all the ids. */
  async function uploadHeld(entry: OutboxEntry): Promise<string[] | undefined> {
    if (!entry.files?.length) return undefined;
    const ids: string[] = [];
    for (const [index, file] of entry.files.entries()) {
      if (file.id !== undefined) {
        ids.push(file.id);
        continue;
      }
      const held = await options.files?.store.get(heldKey(entry.clientId, index)).catch(() => undefined);
      if (!options.files || !held) throw new UploadError("refused", `${file.name} is no longer kept on this device. Discard this message and attach the file again.`);
      const { id } = await options.files.upload(held, file.name);
      update(entry.clientId, (e) => ({ ...e, files: e.files?.map((f, i) => (i === index ? { ...f, id } : f)) }));
      await options.files.store.delete(heldKey(entry.clientId, index)).catch(() => {});
      ids.push(id);
    }
    return ids;
  }

  function forgetHeld(entry: OutboxEntry | undefined): void {
    entry?.files?.forEach((file, index) => {
      if (file.id === undefined) void options.files?.store.delete(heldKey(entry.clientId, index)).catch(() => {});
    });
  }

  function append(entry: OutboxEntry): OutboxEntry {
    write([...read(), entry]);
    void flush();
    return entry;
  }

  function newEntry(text: string, replyTo: number | undefined): OutboxEntry {
    if (read().length >= OUTBOX_MAX_ENTRIES) throw new OutboxFullError();
    return { clientId: newId(), text, createdAt: now().toISOString(), state: "sending", ...(replyTo === undefined ? {} : { replyTo }) };
  }

  /**
   * Sends what waits, in order. One flush at a time; a call during a flush
   * makes it look again when it is done (a message may have joined meanwhile).
   */
  function flush(): Promise<void> {
    if (flushing) {
      again = true;
      return flushing;
    }
    if (retryTimer !== undefined) {
      clearTimeout(retryTimer);
      retryTimer = undefined;
    }
    flushing = (async () => {
      try {
        do {
          again = false;
          await drain();
        } while (again && !disposed);
      } finally {
        flushing = null;
      }
    })();
    return flushing;
  }

  return {
    /** What waits or was refused, oldest first. */
    entries: (): readonly OutboxEntry[] => read(),
    /** Queues a message (shown at once as "sending…") and starts a flush. */
    add(text: string, replyTo?: number): OutboxEntry {
      return append(newEntry(text, replyTo));
    },
    /**
     * Queues a message with files: uploaded ones by id, the others' bytes kept
     * in the HeldFileStore first. Throws FilesNotKeptError (nothing queued) when
     * they cannot be kept.
     */
    async addWithFiles(text: string, replyTo: number | undefined, files: readonly OutgoingFile[]): Promise<OutboxEntry> {
      const entry = newEntry(text, replyTo);
      const kept: string[] = [];
      try {
        for (const [index, file] of files.entries()) {
          if ("attachment" in file) continue;
          if (!options.files) throw new FilesNotKeptError();
          await options.files.store.put(heldKey(entry.clientId, index), file.file);
          kept.push(heldKey(entry.clientId, index));
        }
      } catch {
        for (const k of kept) void options.files?.store.delete(k).catch(() => {});
        throw new FilesNotKeptError();
      }
      const meta = files.map((f): OutboxFile => ("attachment" in f ? { name: f.attachment.name, size: f.attachment.size, id: f.attachment.id } : { name: f.name, size: f.file.size }));
      return append({ ...entry, files: meta });
    },
    flush,
    /** Sends a refused message again, after those already waiting. */
    retry(clientId: string): Promise<void> {
      const entries = read();
      const at = entries.findIndex((e) => e.clientId === clientId);
      if (at < 0) return Promise.resolve();
      const [entry] = entries.splice(at, 1);
      const { reason: _reason, ...rest } = entry!;
      write([...entries, { ...rest, state: "sending" }]);
      return flush();
    },
    discard(clientId: string): void {
      update(clientId, (entry) => {
        forgetHeld(entry);
        return null;
      });
    },
    /** Another tab changed storage: redraw from it. */
    reload(): void {
      options.onChange?.(read());
    },
    dispose(): void {
      disposed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      retryTimer = undefined;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
