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
 */
import { TRPCClientError } from "@trpc/client";

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
}

/** What the server answered, or that it did not. */
export type SendFailure = { kind: "refused"; reason: string } | { kind: "unreachable" };

/** Codes by which the server refuses this message; sending it again as it is would be refused again. */
const REFUSALS = new Set(["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS", "PAYLOAD_TOO_LARGE", "UNPROCESSABLE_CONTENT"]);

/** A refusal when the server answered with one of the codes above; anything else (no answer, a 5xx) is worth retrying. */
export function classifySendError(error: unknown): SendFailure {
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
  send: (entry: { text: string; clientId: string; replyTo?: number }) => Promise<M>;
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

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
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
        message = await send(next.replyTo === undefined ? { text: next.text, clientId: next.clientId } : { text: next.text, clientId: next.clientId, replyTo: next.replyTo });
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
      const entries = read();
      if (entries.length >= OUTBOX_MAX_ENTRIES) throw new OutboxFullError();
      const entry: OutboxEntry = { clientId: newId(), text, createdAt: now().toISOString(), state: "sending", ...(replyTo === undefined ? {} : { replyTo }) };
      write([...entries, entry]);
      void flush();
      return entry;
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
      update(clientId, () => null);
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
