/** A room subscriber through the real tRPC client, recording what a user would see. */
import type { Message } from "../../shared/schemas.ts";
import type { ParlorClient, ParlorClientError } from "../../client/parlor-client.ts";
import { waitFor } from "./wait.ts";

export interface RecordedSubscription {
  messages: Message[];
  /** The tracked ids, as the client received them. */
  ids: string[];
  errors: ParlorClientError[];
  started: Promise<void>;
  /** Waits until `n` messages have arrived. */
  waitForCount(n: number, ms?: number): Promise<void>;
  unsubscribe(): void;
}

export function subscribeRoom(client: ParlorClient, input: { room: string; lastEventId?: string }): RecordedSubscription {
  const messages: Message[] = [];
  const ids: string[] = [];
  const errors: ParlorClientError[] = [];
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const sub = client.room.messages.subscribe(input, {
    onStarted: () => markStarted(),
    onData: (event) => {
      ids.push(event.id);
      messages.push(event.data);
    },
    onError: (error) => errors.push(error),
  });
  return {
    messages,
    ids,
    errors,
    started,
    waitForCount: (n, ms) => waitFor(() => messages.length >= n || errors.length > 0, `${n} messages (have ${messages.length})`, ms),
    unsubscribe: () => sub.unsubscribe(),
  };
}
