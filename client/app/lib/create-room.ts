/**
 * One room as the page sees it: the newest history page on arrival, older
 * pages on demand, then the live subscription resumed right after the newest
 * message held (so nothing between the two is missed), all merged by seq.
 * The tRPC WebSocket link reconnects by itself and resumes after the last
 * tracked seq it delivered.
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
import type { ParlorClient } from "../../parlor-client.ts";
import { type ConnectionStatus, nextConnectionStatus } from "./connection-status.ts";
import type { CachedHistory } from "./history-cache.ts";
import { emptyLog, hasOlder, type Message, type MessageLog, newestSeq, withHistoryPage, withLiveEntry, withLiveMessage } from "./message-log.ts";
import { type RoomPresence, typingLine } from "./presence.ts";
import { createPresenceNotices } from "./presence-notices.ts";
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
  /** This room's recent history saved on this device (for the signed-in user), read and kept up to date. */
  savedHistory?: { load(): CachedHistory | null; save(log: MessageLog): void };
  /** Called whenever the connection is (back) up: a subscription started, or the browser went online. */
  onConnected?: () => void;
}

/** How long after a change the saved copy of the history is written (a burst of messages writes once). */
const SAVE_DELAY_MS = 500;

export function createRoom({ client, room, pageSize, onIncoming, self = () => null, savedHistory, onConnected }: RoomOptions) {
  const [log, setLog] = createSignal<MessageLog>(emptyLog);
  const [status, setStatus] = createSignal<ConnectionStatus>("connecting");
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  const [olderError, setOlderError] = createSignal<unknown>(null);
  const [streamError, setStreamError] = createSignal<unknown>(null);

  const [firstPage, { refetch: retryFirstPage }] = createResource(() => client.room.history.query({ room, limit: pageSize }));
  /** When the log shows the copy saved on this device (the server could not be reached): when it was saved. */
  const [savedAt, setSavedAt] = createSignal<string | null>(null);

  createEffect(() => {
    if (firstPage.state !== "errored" || untrack(log).loaded) return;
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
    if (!savedHistory || !current.loaded || savedAt() !== null || saveTimer !== undefined) return;
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      savedHistory.save(untrack(log));
    }, SAVE_DELAY_MS);
  });
  onCleanup(() => {
    if (saveTimer === undefined) return;
    clearTimeout(saveTimer);
    savedHistory?.save(untrack(log));
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
          const before = log();
          const after = withLiveEntry(before, data);
          if (after === before) return;
          if (data.kind === "message") onIncoming?.(data.message);
          setLog(after);
        },
        onError: (error) => {
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

  async function loadOlder(): Promise<void> {
    const cursor = log().olderCursor;
    if (loadingOlder() || !hasOlder(log()) || cursor === null) return;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      const page = await client.room.history.query({ room, before: cursor, limit: pageSize });
      setLog((l) => withHistoryPage(l, page));
    } catch (error) {
      setOlderError(error);
    } finally {
      setLoadingOlder(false);
    }
  }

  /** Sends as the signed-in user; the stored message shows at once (the live copy is deduplicated). */
  async function send(text: string): Promise<Message> {
    await typing.settled();
    const message = await client.room.send.mutate({ room, text });
    typing.sent();
    const after = withLiveMessage(log(), message);
    if (after !== log()) {
      onIncoming?.(message);
      setLog(after);
    }
    return message;
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
    send,
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
