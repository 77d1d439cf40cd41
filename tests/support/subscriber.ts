/** A room subscriber through the real tRPC client, recording what a user would see. */

import type { ParlorClient, ParlorClientError } from "@parlor/client";
import type { Message, RoomEntry } from "../../shared/schemas.ts";
import { waitFor } from "./wait.ts";

export interface RecordedSubscription {
  /** The new messages among the entries, as they arrived. */
  messages: Message[];
  /** Every entry (messages and changes), as it arrived. */
  entries: RoomEntry[];
  /** The tracked ids, as the client received them. */
  ids: string[];
  errors: ParlorClientError[];
  started: Promise<void>;
  /** Waits until `n` entries have arrived. */
  waitForEntries(n: number, ms?: number): Promise<void>;
  /** Waits until `n` messages have arrived. */
  waitForCount(n: number, ms?: number): Promise<void>;
  unsubscribe(): void;
}

export function subscribeRoom(
  client: ParlorClient,
  input: { room: string; lastEventId?: string },
): RecordedSubscription {
  const messages: Message[] = [];
  const entries: RoomEntry[] = [];
  const ids: string[] = [];
  const errors: ParlorClientError[] = [];
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const sub = client.room.messages.subscribe(input, {
    onStarted: () => markStarted(),
    onData: (event) => {
      ids.push(event.id);
      entries.push(event.data);
      if (event.data.kind === "message") messages.push(event.data.message);
    },
    onError: (error) => errors.push(error),
  });
  return {
    messages,
    entries,
    ids,
    errors,
    started,
    waitForEntries: (n, ms) =>
      waitFor(() => entries.length >= n || errors.length > 0, `${n} entries (have ${entries.length})`, ms),
    waitForCount: (n, ms) =>
      waitFor(() => messages.length >= n || errors.length > 0, `${n} messages (have ${messages.length})`, ms),
    unsubscribe: () => sub.unsubscribe(),
  };
}
