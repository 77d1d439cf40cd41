/**
 * Older history pages of one room's log, on demand: one page at a time (a
 * second call while one is on its way gets the same promise), its failure kept
 * until the next try, and "load until this message is held" for jumps to a
 * quoted or linked message.
 */

import type { ParlorClient } from "@parlor/client";
import { type Accessor, createSignal } from "solid-js";
import { findMessage, hasOlder, type MessageLog, withHistoryPage } from "./message-log.ts";

export interface OlderPagesOptions {
  client: ParlorClient;
  room: string;
  /** Messages per history page (the server's default when unset). */
  pageSize: number | undefined;
  log: Accessor<MessageLog>;
  /** Joins a fetched page to the log. */
  commit(next: MessageLog): void;
  /** The page is gone: what arrives now is dropped. */
  disposed(): boolean;
}

export function createOlderPages({ client, room, pageSize, log, commit, disposed }: OlderPagesOptions) {
  const [loadingOlder, setLoadingOlder] = createSignal(false);
  const [olderError, setOlderError] = createSignal<unknown>(null);

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
        if (!disposed()) commit(withHistoryPage(log(), page));
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

  return { loadingOlder, olderError, loadOlder, olderSettled, loadUntil };
}
