/**
 * Who is in a room and who is typing, from `room.presence` snapshots on the
 * page's socket. Subscribing is being present; the first snapshot after each
 * (re)subscription replaces what was held, later ones feed the "ann joined"
 * notices (presence-notices.ts). Typing goes the other way: the draft's edits
 * signal it, throttled (typing-signal.ts).
 */

import type { ParlorClient } from "@parlor/client";
import { createSignal, onCleanup } from "solid-js";
import { english, type Translate } from "../../../shared/i18n/index.ts";
import { type RoomPresence, typingLine } from "./presence.ts";
import { createPresenceNotices } from "./presence-notices.ts";
import type { Timers } from "./timers.ts";
import { createTypingSignal } from "./typing-signal.ts";

export interface RoomPresenceOptions {
  client: ParlorClient;
  room: string;
  /** The signed-in user's name (null for a guest, undefined while unknown): not announced, not shown typing. */
  self: () => string | null | undefined;
  /** Called when the subscription (re)starts: the socket is up. */
  onStarted?: () => void;
  timers?: Timers;
  /** The page's translator (English when not given). */
  t?: Translate;
}

export function createRoomPresence({ client, room, self, onStarted, timers, t = english }: RoomPresenceOptions) {
  const [presence, setPresence] = createSignal<RoomPresence | null>(null);
  const [live, setLive] = createSignal(false);
  const [notice, setNotice] = createSignal("");
  const notices = createPresenceNotices({ self, t, onNotice: setNotice, ...(timers ? { timers } : {}) });
  /** Set when a (re)subscription starts: its first snapshot is a reset, not a wave of arrivals. */
  let fresh = true;
  const subscription = client.room.presence.subscribe(
    { room },
    {
      onStarted: () => {
        fresh = true;
        setLive(true);
        onStarted?.();
      },
      onConnectionStateChange: (state) => {
        if (state.state !== "connecting") return;
        fresh = true;
        setLive(false);
      },
      onData: (snapshot) => {
        if (fresh) notices.reset(snapshot.users);
        else notices.update(snapshot.users);
        fresh = false;
        setLive(true);
        setPresence(snapshot);
      },
      onError: () => setLive(false),
      onStopped: () => setLive(false),
    },
  );
  onCleanup(() => {
    subscription.unsubscribe();
    notices.dispose();
  });

  const typing = createTypingSignal({ signal: () => client.room.typing.mutate({ room }) });

  return {
    /** The latest snapshot; null until the first. */
    presence,
    /** Whether the subscription is up (what it last said may be stale otherwise). */
    live,
    /** "ann joined", batched; "" when there is nothing to say. */
    notice,
    /** "ann is typing…"; "" when nobody else is, or while the stream is down. */
    typingText: () => (live() ? typingLine(t, presence()?.typing ?? [], self()) : ""),
    /** Call with the draft on each edit: signals typing, throttled; never for a guest. */
    typed(draft: string) {
      if (self()) typing.input(draft);
    },
    /** The typing signal, for sends to wait on (room-writes.ts). */
    typing,
  };
}

export type RoomPresenceState = ReturnType<typeof createRoomPresence>;
