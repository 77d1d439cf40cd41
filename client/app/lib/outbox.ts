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
import { english } from "../../../shared/i18n/index.ts";
import { createHeldFiles, type OutboxFiles } from "./outbox-files.ts";
import { createEntryStore, type KeyValueStorage, type OutboxEntry, outboxKey } from "./outbox-store.ts";
import { UploadError } from "./upload-transport.ts";
import type { OutgoingFile } from "./uploads.ts";

export { FilesNotKeptError, type HeldFileStore } from "./outbox-files.ts";
export {
  isOutboxKeyOf,
  type KeyValueStorage,
  type ListableStorage,
  type OutboxEntry,
  type OutboxFile,
  type OutboxState,
  outboxKey,
} from "./outbox-store.ts";

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
const REFUSALS = new Set([
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "TOO_MANY_REQUESTS",
  "PAYLOAD_TOO_LARGE",
  "UNPROCESSABLE_CONTENT",
]);

/** A refusal when the server answered with one of the codes above; anything else (no answer, a 5xx) is worth retrying. */
export function classifySendError(error: unknown): SendFailure {
  if (error instanceof UploadError) {
    return error.kind === "unreachable" || error.kind === "cancelled"
      ? { kind: "unreachable" }
      : { kind: "refused", reason: error.message };
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
    super(english("outbox.full", { count: OUTBOX_MAX_ENTRIES }));
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
  files?: OutboxFiles;
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

/** The options with every default filled in. */
function withDefaults<M>(options: OutboxOptions<M>) {
  return {
    classify: classifySendError,
    newId: () => crypto.randomUUID(),
    now: () => new Date(),
    retryDelayMs: (attempt: number) => Math.min(1_000 * 2 ** attempt, 30_000),
    online: () => true,
    ...options,
  };
}

export function createOutbox<M>(options: OutboxOptions<M>) {
  const { storage, send, classify, newId, now, retryDelayMs, online } = withDefaults(options);
  const key = outboxKey(options.user, options.room);
  const { read, write, update } = createEntryStore(storage, key, options.onChange);
  const held = createHeldFiles(key, { read, write, update }, options.files);

  let flushing: Promise<void> | null = null;
  let again = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

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
        const attachments = await held.upload(next);
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

  function append(entry: OutboxEntry): OutboxEntry {
    write([...read(), entry]);
    void flush();
    return entry;
  }

  function newEntry(text: string, replyTo: number | undefined): OutboxEntry {
    if (read().length >= OUTBOX_MAX_ENTRIES) throw new OutboxFullError();
    return {
      clientId: newId(),
      text,
      createdAt: now().toISOString(),
      state: "sending",
      ...(replyTo === undefined ? {} : { replyTo }),
    };
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
    async addWithFiles(
      text: string,
      replyTo: number | undefined,
      files: readonly OutgoingFile[],
    ): Promise<OutboxEntry> {
      const entry = newEntry(text, replyTo);
      return append({ ...entry, files: await held.keep(entry.clientId, files) });
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
        held.forget(entry);
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
