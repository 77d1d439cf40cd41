/**
 * One room's live subscription as the page holds it: started after a seq, its
 * connection status (connection-status.ts), and the error that ended it. The
 * tRPC WebSocket link reconnects by itself and resumes after the last tracked
 * seq it delivered.
 */

import type { ParlorClient } from "@parlor/client";
import { createSignal } from "solid-js";
import type { RoomEntry } from "../../../shared/schemas.ts";
import { type ConnectionStatus, nextConnectionStatus } from "./connection-status.ts";
import { deniesAccess } from "./history-cache.ts";

export interface RoomSubscriptionOptions {
  client: ParlorClient;
  room: string;
  /** Each entry of the stream, live or replayed on resume. */
  onEntry(entry: RoomEntry): void;
  /** The server refused this user the room (no such room for you, removed, signed out). */
  onRefused(): void;
  /** The subscription started (again). */
  onStarted(): void;
}

export function createRoomSubscription({ client, room, onEntry, onRefused, onStarted }: RoomSubscriptionOptions) {
  const [status, setStatus] = createSignal<ConnectionStatus>("connecting");
  const [streamError, setStreamError] = createSignal<unknown>(null);
  let subscription: { unsubscribe(): void } | undefined;

  /** Follows the room from just after `after` (the newest message held). */
  function subscribe(after: number) {
    subscription = client.room.messages.subscribe(
      { room, lastEventId: String(after) },
      {
        onStarted: () => {
          setStatus((s) => nextConnectionStatus(s, { type: "started" }));
          onStarted();
        },
        onStopped: () => setStatus((s) => nextConnectionStatus(s, { type: "stopped" })),
        onConnectionStateChange: (state) => setStatus((s) => nextConnectionStatus(s, state)),
        onData: ({ data }) => onEntry(data),
        onError: (error) => {
          if (deniesAccess(error)) onRefused();
          setStreamError(error);
          setStatus("closed");
        },
      },
    );
  }

  return { status, streamError, subscribe, stop: () => subscription?.unsubscribe() };
}
