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
 */
import { createEffect, createMemo, createResource, createSignal, onCleanup, untrack } from "solid-js";
import type { RoomEntry } from "../../../shared/schemas.ts";
import type { ParlorClient } from "../../parlor-client.ts";
import { type ConnectionStatus, nextConnectionStatus } from "./connection-status.ts";
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
  /** Called with each membership entry of the stream (live or replayed on resume): the page shows it as a notice. */
  onMember?: (entry: Extract<RoomEntry, { kind: "member" }>) => void;
}

export function createRoom({ client, room, pageSize, onIncoming, self = () => null, onMember }: RoomOptions) {
  const [log, setLog] = createSignal<MessageLog>(emptyLog);
  const [status, setStatus] = createSignal<ConnectionStatus>("connecting");
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  const [olderError, setOlderError] = createSignal<unknown>(null);
  const [streamError, setStreamError] = createSignal<unknown>(null);

  const [firstPage, { refetch: retryFirstPage }] = createResource(() => client.room.history.query({ room, limit: pageSize }));

  let subscription: { unsubscribe(): void } | undefined;
  createEffect(() => {
    if (firstPage.state !== "ready" || subscription) return;
    const merged = withHistoryPage(untrack(log), firstPage());
    setLog(merged);
    subscription = client.room.messages.subscribe(
      { room, lastEventId: String(newestSeq(merged)) },
      {
        onStarted: () => setStatus((s) => nextConnectionStatus(s, { type: "started" })),
        onStopped: () => setStatus((s) => nextConnectionStatus(s, { type: "stopped" })),
        onConnectionStateChange: (state) => setStatus((s) => nextConnectionStatus(s, state)),
        onData: ({ data }) => {
          if (data.kind === "member") onMember?.(data);
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
