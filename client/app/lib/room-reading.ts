/**
 * Reading a room: where the "New messages" divider goes on arrival, and the
 * read marker moved as messages are actually seen — the page visible
 * (`document.visibilityState`) and the message on screen (an
 * IntersectionObserver on the list), throttled by read-marker.ts. The marker
 * the server holds comes from `me.rooms`, so another tab's reading moves it here too.
 */
import { createEffect, createMemo, createSignal, onCleanup, onMount } from "solid-js";
import { createReadMarker } from "../../../shared/read-marker.ts";
import type { ParlorClient } from "../../parlor-client.ts";
import type { Message } from "./message-log.ts";
import type { MyRooms } from "./my-rooms.ts";
import { firstUnread } from "./timeline.ts";

/** Older pages fetched at most on arrival to reach the first unread message; beyond, the divider sits at the top of what is loaded. */
const ARRIVAL_PAGES_MAX = 10;

export interface RoomReadingOptions {
  client: ParlorClient;
  room: string;
  myRooms: MyRooms;
  messages: () => readonly Message[];
  self: () => string | null | undefined;
  /** The scrolling list whose `.message[data-seq]` children are watched. */
  list: () => HTMLElement | undefined;
  hasOlder: () => boolean;
  loadOlder: () => Promise<void>;
}

export function createRoomReading({ client, room, myRooms, messages, self, list, hasOlder, loadOlder }: RoomReadingOptions) {
  /** The marker and newest message seq when the room was opened: the divider marks what was unread then. */
  const [arrival, setArrival] = createSignal<{ marker: number; newest: number } | null>(null);

  const dividerSeq = createMemo(() => {
    const at = arrival();
    if (!at) return null;
    const first = firstUnread(messages(), at.marker, self());
    return first && first.seq <= at.newest ? first.seq : null;
  });

  /**
   * Call once the first history page and `me.rooms` are both in: fixes the
   * divider and loads older pages (bounded) until the first unread message is
   * held. Resolves to the divider's seq, or null when nothing was unread.
   */
  async function arrive(): Promise<number | null> {
    const mine = myRooms.get(room);
    const held = messages();
    if (!mine || held.length === 0) return null;
    setArrival({ marker: mine.lastReadSeq, newest: held[held.length - 1]!.seq });
    if (mine.unread === 0) return dividerSeq();
    for (let page = 0; page < ARRIVAL_PAGES_MAX && hasOlder() && (messages()[0]?.seq ?? 0) > mine.lastReadSeq + 1; page++) await loadOlder();
    return dividerSeq();
  }

  const marker = createReadMarker({
    initial: myRooms.get(room)?.lastReadSeq ?? 0,
    intervalMs: 500,
    leading: true,
    markRead: (seq) => client.room.markRead.mutate({ room, seq }),
  });
  onCleanup(() => void marker.dispose());
  // Another tab (or device) read further: nothing up to there needs sending from here.
  createEffect(() => {
    const held = myRooms.get(room)?.lastReadSeq;
    if (held !== undefined) marker.known(held);
  });

  /** Seqs of the messages on screen now. */
  const onScreen = new Set<number>();
  const isMember = () => myRooms.get(room) !== undefined;

  function report() {
    if (document.visibilityState !== "visible" || !isMember() || onScreen.size === 0) return;
    marker.seen(Math.max(...onScreen));
  }

  onMount(() => {
    const root = list();
    if (!root || typeof IntersectionObserver === "undefined") return;
    const seqOf = (el: Element) => Number((el as HTMLElement).dataset.seq);
    const intersection = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const seq = seqOf(entry.target);
          if (!Number.isFinite(seq)) continue;
          // Half of it on screen, or (a message taller than the list) half the list's height.
          const seen = entry.isIntersecting && (entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= (entry.rootBounds?.height ?? Infinity) / 2);
          if (seen) onScreen.add(seq);
          else onScreen.delete(seq);
        }
        report();
      },
      { root, threshold: [0, 0.5, 1] },
    );
    const watch = (node: Node) => {
      if (node instanceof HTMLElement && node.matches(".message[data-seq]")) intersection.observe(node);
    };
    const unwatch = (node: Node) => {
      if (node instanceof HTMLElement && node.matches(".message[data-seq]")) {
        intersection.unobserve(node);
        onScreen.delete(seqOf(node));
      }
    };
    root.querySelectorAll(".message[data-seq]").forEach(watch);
    const mutations = new MutationObserver((records) => {
      for (const record of records) {
        record.addedNodes.forEach(watch);
        record.removedNodes.forEach(unwatch);
      }
    });
    mutations.observe(root, { childList: true });
    document.addEventListener("visibilitychange", report);
    onCleanup(() => {
      intersection.disconnect();
      mutations.disconnect();
      document.removeEventListener("visibilitychange", report);
    });
  });

  // Becoming a member (the snapshot arriving, or joining by a first message) may make what is on screen markable.
  createEffect(() => {
    if (isMember()) report();
  });

  return {
    /** The seq of the message the "New messages" divider sits above; null for none. */
    dividerSeq,
    arrive,
  };
}

export type RoomReading = ReturnType<typeof createRoomReading>;
