/**
 * What the signed-in user does to a room's log from the page: send (as a reply
 * or not), deliver an outbox entry, edit, delete, react. Each answer folds into
 * the log at once (room-log.ts); the live copy of the same entry then changes
 * nothing. A typing signal on its way is waited for before a send, so it cannot
 * land after the message (typing-signal.ts).
 */
import type { ParlorClient } from "@parlor/client";
import type { Message } from "./message-log.ts";
import type { OutboxSend } from "./outbox.ts";
import type { RoomLog } from "./room-log.ts";
import type { TypingSignal } from "./typing-signal.ts";

export interface RoomWritesOptions {
  client: ParlorClient;
  room: string;
  log: Pick<RoomLog, "received" | "changed">;
  typing: Pick<TypingSignal, "settled" | "sent">;
  /** The signed-in user's name (null for a guest). */
  self: () => string | null | undefined;
}

export function createRoomWrites({ client, room, log, typing, self }: RoomWritesOptions) {
  /** Stores one message of the outbox (with its clientId); the stored message shows at once. */
  async function deliver(entry: OutboxSend): Promise<Message> {
    await typing.settled();
    const message = await client.room.send.mutate({ room, ...entry });
    typing.sent();
    log.received(message);
    return message;
  }

  /** Sends as the signed-in user, as a reply to message `replyTo` if given, with uploaded files if given. */
  function send(text: string, replyTo?: number, attachments: readonly string[] = []): Promise<Message> {
    return deliver({
      text,
      clientId: crypto.randomUUID(),
      ...(replyTo === undefined ? {} : { replyTo }),
      ...(attachments.length ? { attachments: [...attachments] } : {}),
    });
  }

  return {
    send,
    deliver,
    /** Changes the text of one's own message; it shows changed at once. */
    async edit(seq: number, text: string): Promise<Message> {
      const message = await client.room.edit.mutate({ room, seq, text });
      log.changed({ kind: "edit", message });
      return message;
    },
    /** Deletes a message (one's own, or any in a room one moderates); it shows as deleted at once. */
    async remove(seq: number): Promise<void> {
      await client.room.delete.mutate({ room, seq });
      log.changed({ kind: "delete", seq });
    },
    /** Adds (or, with `add` false, takes back) the signed-in user's `emoji` on message `seq`. */
    async react(seq: number, emoji: string, add: boolean): Promise<Message> {
      const user = self();
      const message = await client.room.react.mutate({ room, seq, emoji, add });
      if (user) log.changed({ kind: "reaction", message, emoji, user });
      return message;
    },
  };
}

export type RoomWrites = ReturnType<typeof createRoomWrites>;
