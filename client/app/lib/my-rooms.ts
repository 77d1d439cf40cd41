/**
 * The signed-in person's rooms with what they have not read, as `me.rooms`
 * streams them: a snapshot, then one update (or removal) per changed room.
 * One subscription for the whole app (the rooms list, the title, mention
 * notifications and the room page's "New messages" divider all read it),
 * shared through a Solid context.
 */

import type { ParlorClient } from "@parlor/client";
import { createContext, createEffect, createMemo, createSignal, on, onCleanup, useContext } from "solid-js";
import type { Translate } from "../../../shared/i18n/index.ts";
import type { MeRoomsEvent, RoomUnread } from "../../../shared/schemas.ts";
import { codeOf } from "./room-access.ts";

export type { RoomUnread };

export interface MyRoomsState {
  /** Whether the snapshot has arrived. */
  readonly loaded: boolean;
  readonly rooms: ReadonlyMap<string, RoomUnread>;
}

export const noRooms: MyRoomsState = Object.freeze({ loaded: false, rooms: new Map() });

/** Folds one `me.rooms` event: a snapshot replaces everything, an update replaces one room, `removed` drops it. */
export function foldRoomsEvent(state: MyRoomsState, event: MeRoomsEvent): MyRoomsState {
  switch (event.type) {
    case "snapshot":
      return { loaded: true, rooms: new Map(event.rooms.map((r) => [r.room, r])) };
    case "update": {
      const rooms = new Map(state.rooms);
      rooms.set(event.room.room, event.room);
      return { ...state, rooms };
    }
    case "removed": {
      if (!state.rooms.has(event.room)) return state;
      const rooms = new Map(state.rooms);
      rooms.delete(event.room);
      return { ...state, rooms };
    }
  }
}

/** Someone added the user to a room: "ann added you to #plans". */
export interface Invitation {
  room: string;
  /** Who added them (a username). */
  by: string;
}

/** The invitation an event tells of, if any: the first update of a room someone just added the user to. */
export function invitationOf(event: MeRoomsEvent): Invitation | null {
  return event.type === "update" && event.invitedBy ? { room: event.room.room, by: event.invitedBy } : null;
}

/** Most recent activity first; a tie by name, so the list does not shuffle. */
export function sortedRooms(state: MyRoomsState): RoomUnread[] {
  return [...state.rooms.values()].sort((a, b) =>
    a.lastMessageAt === b.lastMessageAt ? a.room.localeCompare(b.room) : a.lastMessageAt < b.lastMessageAt ? 1 : -1,
  );
}

export function unreadTotals(state: MyRoomsState): { unread: number; mentions: number } {
  let unread = 0;
  let mentions = 0;
  for (const r of state.rooms.values()) {
    unread += r.unread;
    mentions += r.mentions;
  }
  return { unread, mentions };
}

/** The rooms whose mention count went up between two states (a snapshot after a reconnect counts too). */
export function newMentions(before: MyRoomsState, after: MyRoomsState): RoomUnread[] {
  if (!before.loaded) return [];
  const raised: RoomUnread[] = [];
  for (const r of after.rooms.values()) {
    if (r.mentions > (before.rooms.get(r.room)?.mentions ?? 0)) raised.push(r);
  }
  return raised;
}

/** "3 unread", "3 unread, 1 mention": what a room's badges say, for a screen reader. */
export function badgeLabel(t: Translate, room: Pick<RoomUnread, "unread" | "mentions">): string {
  if (room.unread === 0) return "";
  if (room.mentions === 0) return t("badges.unread", { count: room.unread });
  return t("badges.unreadMentions", { unread: room.unread, count: room.mentions });
}

export interface MyRoomsOptions {
  client: ParlorClient;
  /** The signed-in user's id; null for a guest, undefined while unknown. A change resubscribes. */
  userId: () => number | null | undefined;
  /** Called after each event with the states before and after it. */
  onChange?: (before: MyRoomsState, after: MyRoomsState) => void;
  /** Called when the server refuses the stream as UNAUTHORIZED: the session ended, perhaps while this page was offline. */
  onUnauthorized?: () => void;
}

/** Waits before subscribing again after the stream failed: 1 s, 2 s, 4 s, … up to 30 s. */
export const retryDelayMs = (attempt: number) => Math.min(1_000 * 2 ** attempt, 30_000);

export function createMyRooms({
  client,
  userId,
  onChange,
  onUnauthorized,
  retryDelay = retryDelayMs,
}: MyRoomsOptions & { retryDelay?: (attempt: number) => number }) {
  const [state, setState] = createSignal<MyRoomsState>(noRooms);
  const [failed, setFailed] = createSignal<unknown>(null);
  /** Invitations not yet seen (dismissed, or their room opened), oldest first; one per room. */
  const [invitations, setInvitations] = createSignal<readonly Invitation[]>([]);
  /** Bumped to subscribe again after a failure (the socket itself reconnects by itself; an error ends the subscription). */
  const [attempt, setAttempt] = createSignal(0);

  createEffect(
    on(userId, () => {
      setState(noRooms);
      setInvitations([]);
      setFailed(null);
      setAttempt(0);
    }),
  );

  createEffect(() => {
    const id = userId();
    const tries = attempt();
    if (id === null || id === undefined) return;
    const subscription = client.me.rooms.subscribe(undefined, {
      onData(event) {
        if (tries > 0) setFailed(null);
        const before = state();
        const after = foldRoomsEvent(before, event);
        setState(after);
        const invitation = invitationOf(event);
        if (invitation) setInvitations((list) => [...list.filter((i) => i.room !== invitation.room), invitation]);
        onChange?.(before, after);
      },
      onError(error) {
        setFailed(error);
        // Signed out meanwhile: the session change resubscribes, if anything does.
        if (codeOf(error) === "UNAUTHORIZED") onUnauthorized?.();
        else retry = setTimeout(() => setAttempt(tries + 1), retryDelay(tries));
      },
    });
    let retry: ReturnType<typeof setTimeout> | undefined;
    onCleanup(() => {
      clearTimeout(retry);
      subscription.unsubscribe();
    });
  });

  const totals = createMemo(() => unreadTotals(state()));
  return {
    state,
    /** True once the snapshot is here, or for a guest (who has no rooms), or when the stream failed (the page then goes on without it). */
    settled: () => state().loaded || userId() === null || failed() !== null,
    rooms: createMemo(() => sortedRooms(state())),
    get: (room: string) => state().rooms.get(room),
    /** Unread and mentions over all rooms; null until the snapshot. */
    totals: () => (state().loaded ? totals() : null),
    failed,
    invitations,
    /** The invitation to `room` was seen: its notice goes. */
    dismissInvitation: (room: string) =>
      setInvitations((list) => (list.some((i) => i.room === room) ? list.filter((i) => i.room !== room) : list)),
  };
}

export type MyRooms = ReturnType<typeof createMyRooms>;

export const MyRoomsContext = createContext<MyRooms>();

export function useMyRooms(): MyRooms {
  const rooms = useContext(MyRoomsContext);
  if (!rooms) throw new Error("useMyRooms() outside <MyRoomsContext.Provider>");
  return rooms;
}
