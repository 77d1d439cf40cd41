/**
 * One room's log as the page holds it: the newest history page on arrival,
 * older pages on demand (older-pages.ts), then the live subscription
 * (room-subscription.ts) resumed right after the newest message held (so
 * nothing between the two is missed), all folded by seq (message-log.ts).
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

import type { ParlorClient } from "@parlor/client";
import { createSignal, onCleanup } from "solid-js";
import type { MemberEntry } from "../../../shared/room-log.ts";
import type { RoomEntry } from "../../../shared/schemas.ts";
import { deniesAccess } from "./history-cache.ts";
import {
  emptyLog,
  findMessage,
  type HistoryPage,
  hasOlder,
  type Message,
  type MessageLog,
  newestSeq,
  withHistoryPage,
  withLiveEntry,
  withLiveMessage,
} from "./message-log.ts";
import { createOlderPages } from "./older-pages.ts";
import { type OwnChange, withOwnChange } from "./own-changes.ts";
import { createQuoteCache } from "./reply-quote.ts";
import { createRoomSubscription } from "./room-subscription.ts";
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

export function createRoomLog(options: RoomLogOptions) {
  const { client, room, pageSize, onConnected } = options;
  const held = createHeldLog(options);
  const { log, commit } = held;
  let disposed = false;
  const live = createRoomSubscription({
    client,
    room,
    onEntry: held.fold,
    onRefused: held.refused,
    onStarted: () => onConnected?.(),
  });
  const first = createFirstPage({
    client,
    room,
    pageSize,
    held,
    disposed: () => disposed,
    subscribe: live.subscribe,
  });
  const older = createOlderPages({ client, room, pageSize, log, commit, disposed: () => disposed });

  void first.fetch();
  onCleanup(() => {
    disposed = true;
    live.stop();
  });

  return {
    room,
    log,
    messages: () => log().messages,
    hasOlder: () => hasOlder(log()),
    reachedBeginning: () => log().reachedBeginning,
    /** Why the first page could not be fetched (kept while a retry is on its way); undefined once it came. */
    firstPageError: () => first.state().error,
    /** Fetches the first page again (after it failed). */
    retryFirstPage: () => void first.fetch(),
    status: live.status,
    streamError: live.streamError,
    ...older,
    /** The connection is back (another subscription started, the browser went online): refetch a first page that failed, and say so. */
    connected() {
      if (first.state().state === "errored") void first.fetch();
      onConnected?.();
    },
    /** The signed-in user became known (after a reload offline): their saved copy can show now. */
    showSavedCopy: first.showSavedCopy,
    /** A message this page stored (its answer): it shows at once; its live copy is deduplicated. */
    received: held.received,
    /** This page's own edit, delete or reaction, as the server answered it: it shows at once. */
    changed: held.changed,
    /** The message seq `seq` for a reply's quote: held, else fetched (undefined meanwhile, null if there is none). */
    quoted: (seq: number) => findMessage(log(), seq) ?? held.quotes.get(seq),
  };
}

export type RoomLog = ReturnType<typeof createRoomLog>;

type HeldLog = ReturnType<typeof createHeldLog>;

/** The messages held, and how each change joins them: every change goes through `commit`, so the saved copy follows it. */
function createHeldLog({ client, room, onIncoming, inPlace = (apply) => apply(), onMember, saved }: RoomLogOptions) {
  const [log, setLog] = createSignal<MessageLog>(emptyLog);

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

  return {
    log,
    commit,
    quotes,
    saved,
    /** An entry of the stream (live or replayed): a new message joins the list, a change applies in place. */
    fold(entry: RoomEntry) {
      quotes.fold(entry);
      if (entry.kind === "member") onMember?.(entry);
      const before = log();
      const after = withLiveEntry(before, entry);
      if (after === before) return;
      if (entry.kind === "message") {
        onIncoming?.(entry.message);
        commit(after);
      } else inPlace(() => commit(after));
    },
    /** The server refused this user the room: the saved copy goes, and with it what it showed. */
    refused() {
      if (saved?.forget()) commit(emptyLog);
    },
    received(message: Message) {
      const after = withLiveMessage(log(), message);
      if (after === log()) return;
      onIncoming?.(message);
      commit(after);
    },
    changed(change: OwnChange) {
      const after = withOwnChange(log(), change);
      if (after !== log()) inPlace(() => commit(after));
    },
  };
}

interface FirstPageOptions {
  client: ParlorClient;
  room: string;
  pageSize: number | undefined;
  held: HeldLog;
  disposed(): boolean;
  /** Starts the live subscription after the newest message held. */
  subscribe(after: number): void;
}

/**
 * The newest history page, fetched on arrival and again when asked (a retry, the
 * connection back); then the subscription starts after it. Offline, the copy
 * saved on this device shows instead.
 */
function createFirstPage({ client, room, pageSize, held, disposed, subscribe }: FirstPageOptions) {
  const { log, commit, saved } = held;
  const [state, setState] = createSignal<FirstPage>({ state: "loading" });

  /** Offline (the first page failed, nothing held): the copy saved on this device, if there is one for the user. */
  function showSavedCopy() {
    if (state().state !== "errored" || log().loaded) return;
    const copy = saved?.restore();
    if (copy) commit(withHistoryPage(emptyLog, copy));
  }

  let fetching = false;
  async function fetch() {
    if (fetching || state().state === "ready") return;
    fetching = true;
    setState((p) => ({ state: "loading", error: p.error }));
    let page: HistoryPage;
    try {
      page = await client.room.history.query({ room, limit: pageSize });
    } catch (error) {
      fetching = false;
      if (disposed()) return;
      setState({ state: "errored", error });
      // A refusal (no such room for you, removed, signed out) is not "offline".
      if (deniesAccess(error)) return held.refused();
      return showSavedCopy();
    }
    fetching = false;
    if (disposed()) return;
    setState({ state: "ready" });
    const merged = withHistoryPage(saved?.replaced() ? emptyLog : log(), page);
    commit(merged);
    subscribe(newestSeq(merged));
  }

  return { state, fetch, showSavedCopy };
}
