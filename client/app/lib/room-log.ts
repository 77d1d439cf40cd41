/**
 * One room's log as the page holds it: the newest history page on arrival,
 * older pages on demand, then the live subscription resumed right after the
 * newest message held (so nothing between the two is missed), all folded by
 * seq (message-log.ts). The tRPC WebSocket link reconnects by itself and
 * resumes after the last tracked seq it delivered.
 *
 * Edits, deletes and reactions change messages in place, from the stream and
 * from this page's own calls (room-writes.ts) as soon as the server answers.
 * Quotes of answered messages older than what is held are fetched one by one
 * (reply-quote.ts). When the first page cannot be fetched, the copy saved on
 * this device shows instead (saved-history.ts), and the fetch is tried again
 * when the connection is back.
 *
 * No Solid effects: state is signals set from the subscription's callbacks, so
 * `bun test` runs this against a real server.
 */
import { createSignal, onCleanup } from "solid-js";
import type { MemberEntry } from "../../../shared/room-log.ts";
import type { ParlorClient } from "../../parlor-client.ts";
import { type ConnectionStatus, nextConnectionStatus } from "./connection-status.ts";
import { deniesAccess } from "./history-cache.ts";
import { emptyLog, findMessage, type HistoryPage, hasOlder, type Message, type MessageLog, newestSeq, withHistoryPage, withLiveEntry, withLiveMessage } from "./message-log.ts";
import { type OwnChange, withOwnChange } from "./own-changes.ts";
import { createQuoteCache } from "./reply-quote.ts";
import type { SavedHistory } from "./saved-history.ts";

export interface RoomLogOptions {
  client: ParlorClient;
  room: string;
  /** Messages per history page (the server's default when unset). */
  pageSize?: number;
  /** Called with each new message, from the stream or sent here, just before it joins the list. */
  onIncoming?: (message: Message) => void;
  /**
   * Wraps each in-place change of a held message (edit, delete, reaction) so the
   * page can keep its scroll position; `apply` updates the list synchronously.
   */
  inPlace?: (apply: () => void) => void;
  /** Called with each membership entry of the stream (live or replayed on resume): the page shows it as a notice. */
  onMember?: (entry: MemberEntry) => void;
  /** This room's copy saved on this device: shown while the server cannot be reached, kept current. */
  saved?: SavedHistory;
  /** Called whenever the connection is (back) up: the subscription started, or `connected()` was called. */
  onConnected?: () => void;
}

/** The first page's fetch: its error stays until a retry's outcome replaces it. */
type FirstPage = { state: "loading" | "ready" | "errored"; error?: unknown };

export function createRoomLog({ client, room, pageSize, onIncoming, inPlace = (apply) => apply(), onMember, saved, onConnected }: RoomLogOptions) {
  const [log, setLog] = createSignal<MessageLog>(emptyLog);
  const [firstPage, setFirstPage] = createSignal<FirstPage>({ state: "loading" });
  const [status, setStatus] = createSignal<ConnectionStatus>("connecting");
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  const [olderError, setOlderError] = createSignal<unknown>(null);
  const [streamError, setStreamError] = createSignal<unknown>(null);
  let disposed = false;

  /** Every change of the log goes through here, so the saved copy follows it. */
  function commit(next: MessageLog) {
    setLog(next);
    saved?.changed(next);
  }

  const quotes = createQuoteCache({
    // The newest message below seq + 1 is message seq itself: a reply always answers a message of the room.
    load: async (seq) => {
      const page = await client.room.history.query({ room, before: seq + 1, limit: 1 });
      return page.messages[0]?.seq === seq ? page.messages[0] : null;
    },
  });

  /** The server refused this user the room: the saved copy goes, and with it what it showed. */
  function refused() {
    if (saved?.forget()) commit(emptyLog);
  }

  /** Offline (the first page failed, nothing held): the copy saved on this device, if there is one for the user. */
  function showSavedCopy() {
    if (firstPage().state !== "errored" || log().loaded) return;
    const copy = saved?.restore();
    if (copy) commit(withHistoryPage(emptyLog, copy));
  }

  let fetching = false;
  async function fetchFirstPage() {
    if (fetching || firstPage().state === "ready") return;
    fetching = true;
    setFirstPage((p) => ({ state: "loading", error: p.error }));
    let page: HistoryPage;
    try {
      page = await client.room.history.query({ room, limit: pageSize });
    } catch (error) {
      fetching = false;
      if (disposed) return;
      setFirstPage({ state: "errored", error });
      // A refusal (no such room for you, removed, signed out) is not "offline".
      if (deniesAccess(error)) return refused();
      return showSavedCopy();
    }
    fetching = false;
    if (disposed) return;
    setFirstPage({ state: "ready" });
    const merged = withHistoryPage(saved?.replaced() ? emptyLog : log(), page);
    commit(merged);
    subscribe(newestSeq(merged));
  }

  let subscription: { unsubscribe(): void } | undefined;
  function subscribe(after: number) {
    subscription = client.room.messages.subscribe(
      { room, lastEventId: String(after) },
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
            commit(after);
          } else inPlace(() => commit(after));
        },
        onError: (error) => {
          if (deniesAccess(error)) refused();
          setStreamError(error);
          setStatus("closed");
        },
      },
    );
  }

  void fetchFirstPage();
  onCleanup(() => {
    disposed = true;
    subscription?.unsubscribe();
  });

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
        if (!disposed) commit(withHistoryPage(log(), page));
      } catch (error) {
        setOlderError(error);
      } finally {
        setLoadingOlder(false);
        olderInFlight = null;
      }
    })();
    return olderInFlight;
  }

  /** Resolves once no older page is on its way (one started meanwhile, e.g. to fill the screen, is waited for too). */
  async function olderSettled(): Promise<void> {
    while (olderInFlight) await olderInFlight;
  }

  /**
   * Loads older pages (with `loadPage`, the page's own way of calling
   * `loadOlder`) until message `seq` is held. A page already on its way is
   * waited for first, so each call of `loadPage` fetches one. False if the
   * message cannot be held: older than the beginning, or a page failed
   * (`olderError` says why).
   */
  async function loadUntil(seq: number, loadPage: () => Promise<void> = loadOlder): Promise<boolean> {
    for (;;) {
      await olderSettled();
      if (findMessage(log(), seq)) return true;
      const cursor = log().olderCursor;
      if (!hasOlder(log()) || cursor === null || seq >= (log().messages[0]?.seq ?? Infinity)) return false;
      await loadPage();
      // Each page moves the cursor back; one that did not (it failed) ends the search.
      if (olderError() || log().olderCursor === cursor) return findMessage(log(), seq) !== undefined;
    }
  }

  return {
    room,
    log,
    messages: () => log().messages,
    hasOlder: () => hasOlder(log()),
    reachedBeginning: () => log().reachedBeginning,
    /** Why the first page could not be fetched (kept while a retry is on its way); undefined once it came. */
    firstPageError: () => firstPage().error,
    /** Fetches the first page again (after it failed). */
    retryFirstPage: () => void fetchFirstPage(),
    status,
    streamError,
    loadingOlder,
    olderError,
    loadOlder,
    olderSettled,
    loadUntil,
    /** The connection is back (another subscription started, the browser went online): refetch a first page that failed, and say so. */
    connected() {
      if (firstPage().state === "errored") void fetchFirstPage();
      onConnected?.();
    },
    /** The signed-in user became known (after a reload offline): their saved copy can show now. */
    showSavedCopy,
    /** A message this page stored (its answer): it shows at once; its live copy is deduplicated. */
    received(message: Message) {
      const after = withLiveMessage(log(), message);
      if (after === log()) return;
      onIncoming?.(message);
      commit(after);
    },
    /** This page's own edit, delete or reaction, as the server answered it: it shows at once. */
    changed(change: OwnChange) {
      const after = withOwnChange(log(), change);
      if (after !== log()) inPlace(() => commit(after));
    },
    /** The message seq `seq` for a reply's quote: held, else fetched (undefined meanwhile, null if there is none). */
    quoted: (seq: number) => findMessage(log(), seq) ?? quotes.get(seq),
  };
}

export type RoomLog = ReturnType<typeof createRoomLog>;
