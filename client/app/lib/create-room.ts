/**
 * One room as the page sees it: the newest history page on arrival, older
 * pages on demand, then the live subscription resumed right after the newest
 * message held (so nothing between the two is missed), all merged by seq.
 * The tRPC WebSocket link reconnects by itself and resumes after the last
 * tracked seq it delivered.
 *
 * Edits, deletes and reactions change messages in place: from the stream, and
 * from this page's own calls as soon as the server answers (the live copy of
 * the same entry then changes nothing). Quotes of answered messages older than
 * what is held are fetched one by one (reply-quote.ts).
 *
 * Beside it, on the same socket, `room.presence`: who is here and who is
 * typing, as snapshots. Subscribing is being present; the first snapshot after
 * each (re)subscription replaces what was held, later ones feed the
 * "ann joined" notices.
 *
 * Offline: when the first page cannot be fetched, the page saved on this device
 * for the user (history-cache.ts) shows instead, marked as such, and the fetch
 * is tried again when the connection is back; the fresh page then replaces it.
 */
import { createEffect, createMemo, createResource, createSignal, onCleanup, untrack } from "solid-js";
import type { RoomEntry } from "../../../shared/schemas.ts";
import type { ParlorClient } from "../../parlor-client.ts";
import { type ConnectionStatus, nextConnectionStatus } from "./connection-status.ts";
import { type CachedHistory, deniesAccess } from "./history-cache.ts";
import { emptyLog, findMessage, hasOlder, type Message, type MessageLog, newestSeq, withHistoryPage, withLiveEntry, withLiveMessage } from "./message-log.ts";
import { type OwnChange, withOwnChange } from "./own-changes.ts";
import { type RoomPresence, typingLine } from "./presence.ts";
import { createPresenceNotices } from "./presence-notices.ts";
import { createQuoteCache } from "./reply-quote.ts";
import { createTypingSignal } from "./typing-signal.ts";

export interface RoomOptions {
  client: ParlorClient;
  room: string;
  /** Messages per history page (the server's default when unset). */
  pageSize?: number;
  /** Called with each new message, from the stream or sent here, just before it joins the list. */
  onIncoming?: (message: Message) => void;
  /** The signed-in user's name (null for a guest, undefined while unknown): not announced, not shown typing. */
  self?: () => string | null | undefined;
  /**
   * Wraps each in-place change of a held message (edit, delete, reaction) so the
   * page can keep its scroll position; `apply` updates the list synchronously.
   */
  inPlace?: (apply: () => void) => void;
  /** Called with each membership entry of the stream (live or replayed on resume): the page shows it as a notice. */
  onMember?: (entry: Extract<RoomEntry, { kind: "member" }>) => void;
  /** This room's recent history saved on this device (for the signed-in user), read and kept up to date. */
  savedHistory?: { load(): CachedHistory | null; save(log: MessageLog): void; drop(): void };
  /** Called whenever the connection is (back) up: a subscription started, or the browser went online. */
  onConnected?: () => void;
}

/** How long after a change the saved copy of the history is written (a burst of messages writes once). */
const SAVE_DELAY_MS = 500;

export function createRoom({ client, room, pageSize, onIncoming, self = () => null, inPlace = (apply) => apply(), onMember, savedHistory, onConnected }: RoomOptions) {
  const [log, setLog] = createSignal<MessageLog>(emptyLog);
  const [status, setStatus] = createSignal<ConnectionStatus>("connecting");
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  const [olderError, setOlderError] = createSignal<unknown>(null);
  const [streamError, setStreamError] = createSignal<unknown>(null);

  const quotes = createQuoteCache({
    // The newest message below seq + 1 is message seq itself: a reply always answers a message of the room.
    load: async (seq) => {
      const page = await client.room.history.query({ room, before: seq + 1, limit: 1 });
      return page.messages[0]?.seq === seq ? page.messages[0] : null;
    },
  });

  const [firstPage, { refetch: retryFirstPage }] = createResource(() => client.room.history.query({ room, limit: pageSize }));
  /** When the log shows the copy saved on this device (the server could not be reached): when it was saved. */
  const [savedAt, setSavedAt] = createSignal<string | null>(null);

  /** Set once the server said this user may not read the room: nothing of it is kept or shown from the device. */
  let denied = false;
  function forget() {
    denied = true;
    savedHistory?.drop();
    if (untrack(savedAt) !== null) {
      setSavedAt(null);
      setLog(emptyLog);
    }
  }

  createEffect(() => {
    if (firstPage.state !== "errored") return;
    // A refusal (no such room for you, removed, signed out) is not "offline": the saved copy goes.
    if (deniesAccess(firstPage.error)) return forget();
    if (untrack(log).loaded) return;
    const saved = savedHistory?.load();
    if (!saved) return;
    setLog(withHistoryPage(emptyLog, saved.page));
    setSavedAt(saved.savedAt);
  });

  /** The connection is back: refetch a first page that failed, and tell the page. */
  function connected() {
    if (firstPage.state === "errored") void retryFirstPage();
    onConnected?.();
  }
  window.addEventListener("online", connected);
  onCleanup(() => window.removeEventListener("online", connected));

  // Keep the saved copy current, but not from itself, and at most once per SAVE_DELAY_MS.
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  createEffect(() => {
    const current = log();
    if (!savedHistory || denied || !current.loaded || savedAt() !== null || saveTimer !== undefined) return;
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      if (!denied) savedHistory.save(untrack(log));
    }, SAVE_DELAY_MS);
  });
  onCleanup(() => {
    if (saveTimer === undefined) return;
    clearTimeout(saveTimer);
    if (!denied) savedHistory?.save(untrack(log));
  });

  let subscription: { unsubscribe(): void } | undefined;
  createEffect(() => {
    if (firstPage.state !== "ready" || subscription) return;
    // The saved copy may be stale (edits, deletes since): the fresh page replaces it.
    const merged = withHistoryPage(savedAt() === null ? untrack(log) : emptyLog, firstPage());
    setSavedAt(null);
    setLog(merged);
    subscription = client.room.messages.subscribe(
      { room, lastEventId: String(newestSeq(merged)) },
      {
        onStarted: () => {
          setStatus((s) => nextConnectionStatus(s, { type: "started" }));
          onConnected?.();
        },
        onStopped: () => setStatus((s) => nextConnectionStatus(s, { type: "stopped" })),
        onConnectionStateChange: (state) => setStatus((s) => nextConnectionStatus(s, state)),
        onData: ({ data }) => {
          quotes.fold(data);
          if (data.kind === "member") onMember?.(data);
          const before = log();
          const after = withLiveEntry(before, data);
          if (after === before) return;
          if (data.kind === "message") {
            onIncoming?.(data.message);
            setLog(after);
          } else inPlace(() => setLog(after));
        },
        onError: (error) => {
          if (deniesAccess(error)) forget();
          setStreamError(error);
          setStatus("closed");
        },
      },
    );
  });
  onCleanup(() => subscription?.unsubscribe());

  const [presence, setPresence] = createSignal<RoomPresence | null>(null);
  const [presenceLive, setPresenceLive] = createSignal(false);
  const [presenceNotice, setPresenceNotice] = createSignal("");
  const notices = createPresenceNotices({ self, onNotice: setPresenceNotice });
  /** Set when a (re)subscription starts: its first snapshot is a reset, not a wave of arrivals. */
  let freshSnapshot = true;
  const presenceSubscription = client.room.presence.subscribe(
    { room },
    {
      onStarted: () => {
        freshSnapshot = true;
        setPresenceLive(true);
        // The socket is up before the first page is: that page can be fetched now.
        connected();
      },
      onConnectionStateChange: (state) => {
        if (state.state === "connecting") {
          freshSnapshot = true;
          setPresenceLive(false);
        }
      },
      onData: (snapshot) => {
        if (freshSnapshot) notices.reset(snapshot.users);
        else notices.update(snapshot.users);
        freshSnapshot = false;
        setPresenceLive(true);
        setPresence(snapshot);
      },
      onError: () => setPresenceLive(false),
      onStopped: () => setPresenceLive(false),
    },
  );
  onCleanup(() => {
    presenceSubscription.unsubscribe();
    notices.dispose();
  });

  const typing = createTypingSignal({ signal: () => client.room.typing.mutate({ room }) });
  /** Who else is typing; nothing while the presence stream is down (what it last said may be stale). */
  const typingText = createMemo(() => (presenceLive() ? typingLine(presence()?.typing ?? [], self()) : ""));

  let olderInFlight: Promise<void> | null = null;
  /** Fetches the next older page; while one is on its way, the same promise. */
  function loadOlder(): Promise<void> {
    if (olderInFlight) return olderInFlight;
    const cursor = log().olderCursor;
    if (!hasOlder(log()) || cursor === null) return Promise.resolve();
    setLoadingOlder(true);
    setOlderError(null);
    olderInFlight = (async () => {
      try {
        const page = await client.room.history.query({ room, before: cursor, limit: pageSize });
        setLog((l) => withHistoryPage(l, page));
      } catch (error) {
        setOlderError(error);
      } finally {
        setLoadingOlder(false);
        olderInFlight = null;
      }
    })();
    return olderInFlight;
  }

  /**
   * Loads older pages (with `loadPage`, the page's own way of calling
   * `loadOlder`) until message `seq` is held. False if it cannot be: older than
   * the beginning, or a page failed (`olderError` says why).
   */
  async function loadUntil(seq: number, loadPage: () => Promise<void> = loadOlder): Promise<boolean> {
    while (!findMessage(log(), seq)) {
      const cursor = log().olderCursor;
      if (!hasOlder(log()) || cursor === null || seq >= (log().messages[0]?.seq ?? Infinity)) return false;
      await loadPage();
      // Each page moves the cursor back; one that did not (it failed) ends the search.
      if (olderError() || log().olderCursor === cursor) return findMessage(log(), seq) !== undefined;
    }
    return true;
  }

  /** Sends as the signed-in user, as a reply to message `replyTo` if given; the stored message shows at once (the live copy is deduplicated). */
  function send(text: string, replyTo?: number): Promise<Message> {
    return deliver({ text, clientId: crypto.randomUUID(), ...(replyTo === undefined ? {} : { replyTo }) });
  }

  /** Stores one message of the outbox (with its clientId); the stored message shows at once. */
  async function deliver(entry: { text: string; clientId: string; replyTo?: number }): Promise<Message> {
    await typing.settled();
    const message = await client.room.send.mutate({ room, ...entry });
    typing.sent();
    const after = withLiveMessage(log(), message);
    if (after !== log()) {
      onIncoming?.(message);
      setLog(after);
    }
    return message;
  }

  function fold(change: OwnChange) {
    const after = withOwnChange(log(), change);
    if (after !== log()) inPlace(() => setLog(after));
  }

  /** Changes the text of one's own message; it shows changed at once. */
  async function edit(seq: number, text: string): Promise<Message> {
    const message = await client.room.edit.mutate({ room, seq, text });
    fold({ kind: "edit", message });
    return message;
  }

  /** Deletes a message (one's own, or any in a room one moderates); it shows as deleted at once. */
  async function remove(seq: number): Promise<void> {
    await client.room.delete.mutate({ room, seq });
    fold({ kind: "delete", seq });
  }

  /** Adds (or, with `add` false, takes back) the signed-in user's `emoji` on message `seq`. */
  async function react(seq: number, emoji: string, add: boolean): Promise<Message> {
    const user = self();
    const message = await client.room.react.mutate({ room, seq, emoji, add });
    if (user) fold({ kind: "reaction", message, emoji, user });
    return message;
  }

  return {
    room,
    log,
    messages: () => log().messages,
    hasOlder: () => hasOlder(log()),
    reachedBeginning: () => log().reachedBeginning,
    firstPage,
    retryFirstPage,
    status,
    streamError,
    loadingOlder,
    olderError,
    loadOlder,
    loadUntil,
    send,
    /** Sends `text` as a reply to message `to`. */
    reply: (to: number, text: string) => send(text, to),
    edit,
    remove,
    react,
    /** The message seq `seq` for a reply's quote: held, else fetched (undefined meanwhile, null if there is none). */
    quoted: (seq: number) => findMessage(log(), seq) ?? quotes.get(seq),
    deliver,
    /** Set while the messages shown are the copy saved on this device: when it was saved (ISO-8601). */
    savedAt,
    /** The latest `room.presence` snapshot; null until the first. */
    presence,
    presenceLive,
    /** "ann joined", batched; "" when there is nothing to say. */
    presenceNotice,
    /** "ann is typing…"; "" when nobody else is. */
    typingText,
    /** Call with the draft on each edit: signals typing, throttled; never for a guest. */
    typed(draft: string) {
      if (self()) typing.input(draft);
    },
  };
}

export type Room = ReturnType<typeof createRoom>;
