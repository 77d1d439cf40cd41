/**
 * The room log service: append an entry (a message, an edit, a delete, a
 * reaction), then publish it; who may change what; history and search; each subscriber's
 * stream. "Stored is sent": an entry is published only after its commit, and a
 * failed publish loses nothing (subscribers fill the gap from the database).
 * Knows no transport: it throws the domain errors of ../errors/domain-errors.ts.
 */
import type { Db } from "../../db/index.ts";
import {
  MAX_REACTIONS_PER_MESSAGE,
  type Message,
  type RoomEntry,
  type RoomName,
  roomGroup,
} from "../../shared/schemas.ts";
import { ForbiddenError, InvalidRequestError } from "../errors/domain-errors.ts";
import type { GroupLayer } from "../groups/group-layer.ts";
import type { LiveSeat } from "../groups/live-channel.ts";
import { announceToUser } from "../groups/user-events.ts";
import { appendChange, type Target } from "./change-store.ts";
import { createEntryConfirmer } from "./entry-confirmer.ts";
import { createLiveRelays } from "./live-relay.ts";
import { activeRooms, entriesBetween, entriesOfRanges, historyPage } from "./log-reader.ts";
import type { Author, Change } from "./log-rows.ts";
import { appendMessage } from "./message-store.ts";
import { createMessageWriter } from "./message-writer.ts";
import { openRoomStream, type StreamEnding, type StreamPacer } from "./room-stream.ts";
import { type SearchQuery, searchMessages } from "./search.ts";
import { createSearchIndexer } from "./search-indexer.ts";

export interface RoomLogOptions {
  db: Db;
  groups: GroupLayer;
  /** A public room's members at most (senders join it by sending). */
  maxMembersPerRoom?: number;
  /** Hears of a publish that failed after its entry was stored. */
  onPublishError?: (error: unknown, room: RoomName, seq: number) => void;
  /** Counts appended entries (metrics): a `++` per entry. */
  counts?: { entriesAppended: number };
  /** Hears of each message deleted (after its commit): its files leave storage (server/files/). */
  onMessageDeleted?: (room: RoomName, seq: number) => Promise<void>;
  /** Hears of a background search-index run that failed (./search-indexer.ts). */
  onIndexError?: (error: unknown) => void;
}

export interface StreamRequest<T> {
  room: RoomName;
  after: number | undefined;
  signal: AbortSignal;
  map: (entry: RoomEntry) => T;
  pacer?: StreamPacer | undefined;
  ending?: StreamEnding | undefined;
  /** The transport's side of the subscription, if it can deliver live entries through a shared channel. */
  seat?: LiveSeat | undefined;
}

export function createRoomLog({
  db,
  groups,
  maxMembersPerRoom,
  onPublishError,
  counts,
  onMessageDeleted,
  onIndexError,
}: RoomLogOptions) {
  // New messages reach the search index a moment after their commit, many at once (SQLite; a search catches up first).
  const indexer = createSearchIndexer(db, onIndexError ? { onError: onIndexError } : {});
  // Concurrent sends share a commit; each is acknowledged after it.
  const writer = createMessageWriter(db, { onCommitted: indexer.written });
  // Every stored entry is published exactly once, in publish(): the one place to count them.
  async function publish(room: RoomName, entry: RoomEntry): Promise<void> {
    if (counts) counts.entriesAppended++;
    try {
      await groups.publish(roomGroup(room), { type: "entry", room, entry });
    } catch (error) {
      // Stored is sent: subscribers fill the gap from the database on the next entry or reconnect.
      (onPublishError ?? defaultPublishError)(error, room, entry.seq);
    }
  }

  // Events arriving from outside this process: confirmed in batches, one range read per room and turn (entry-confirmer.ts).
  const confirm = createEntryConfirmer({
    read: (room, after, upTo) => entriesBetween(db, { room, after, upTo }),
    readRanges: (ranges) => entriesOfRanges(db, ranges),
  });

  // Caught-up subscribers of a room share one delivery per entry (live-relay.ts).
  const relays = createLiveRelays(groups, confirm);

  async function change(
    author: Author,
    room: RoomName,
    target: number,
    decide: (t: Target) => Change | null,
  ): Promise<Message> {
    const { message, entry } = await appendChange(db, { room, target, actor: author, decide });
    if (entry) await publish(room, entry);
    return message;
  }

  return {
    /** Publishes an entry appended elsewhere (a membership change, stored by the rooms service): counted and logged like the log's own. */
    publish,

    /** Stores a message under `author`'s name and publishes it; a retry with the same `clientId` returns the first. */
    async send(
      author: Author,
      input: {
        room: RoomName;
        text: string;
        clientId?: string | undefined;
        replyTo?: number | undefined;
        attachments?: string[] | undefined;
      },
    ) {
      const { message, duplicate, joined } = await appendMessage(
        db,
        { ...input, sender: author, maxMembers: maxMembersPerRoom },
        writer.store,
      );
      // A retry was published by the call that stored it.
      if (!duplicate) await publish(input.room, { kind: "message", seq: message.seq, message });
      // Sending made them a member: the room is one of theirs now.
      if (joined) await announceToUser(groups, author.id, "rooms");
      return { message, duplicate };
    },

    /** Its sender changes a message's text; the same text again stores nothing. */
    edit(author: Author, input: { room: RoomName; seq: number; text: string }): Promise<Message> {
      return change(author, input.room, input.seq, ({ message, senderId }) => {
        if (senderId !== author.id)
          throw new ForbiddenError("Only its sender can edit a message.", { reason: "senderOnlyEdit" });
        if (message.deleted)
          throw new InvalidRequestError(`Message ${input.seq} was deleted: it cannot be edited.`, {
            reason: "messageDeleted",
          });
        return message.text === input.text ? null : { kind: "edit", text: input.text };
      });
    },

    /**
     * Its sender (or, with `moderator`, the room's owner or a moderator) takes
     * a message back; it stays as a tombstone. Deleting twice stores nothing.
     */
    async delete(author: Author, input: { room: RoomName; seq: number }, { moderator = false } = {}): Promise<void> {
      await change(author, input.room, input.seq, ({ message, senderId }) => {
        if (senderId !== author.id && !moderator)
          throw new ForbiddenError("Only its sender, the room's owner or a moderator can delete a message.", {
            reason: "senderOrModeratorDelete",
          });
        return message.deleted ? null : { kind: "delete" };
      });
      // Unreadable since the commit (a file's read checks its message); now its bytes go too.
      await onMessageDeleted?.(input.room, input.seq);
    },

    /** Adds or removes `author`'s emoji on a message; a no-op (already there, never there) stores nothing. */
    react(author: Author, input: { room: RoomName; seq: number; emoji: string; add: boolean }): Promise<Message> {
      return change(author, input.room, input.seq, ({ message }) => {
        if (message.deleted)
          throw new InvalidRequestError(`Message ${input.seq} was deleted: it cannot take reactions.`, {
            reason: "messageDeleted",
          });
        const reaction = message.reactions.find((r) => r.emoji === input.emoji);
        const has = reaction?.users.includes(author.username) ?? false;
        if (has === input.add) return null;
        if (input.add && !reaction && message.reactions.length >= MAX_REACTIONS_PER_MESSAGE) {
          throw new InvalidRequestError(`A message takes at most ${MAX_REACTIONS_PER_MESSAGE} different emoji.`, {
            reason: "reactionsLimit",
            params: { count: MAX_REACTIONS_PER_MESSAGE },
          });
        }
        return { kind: "reaction", emoji: input.emoji, added: input.add };
      });
    },

    /** Messages in their current state, newest first. */
    history: (q: { room: RoomName; before?: number | undefined; limit: number }) => historyPage(db, q),

    /** Messages that contain every word, newest first, in the rooms the caller may read (see search.ts). */
    async search(q: SearchQuery) {
      // Every message acknowledged before the search is in the index.
      await indexer.catchUp();
      return searchMessages(db, q);
    },

    /** Rooms by most recent message. */
    active: (limit: number) => activeRooms(db, limit),

    /** An entry heard from another process, as the database holds it (null: it does not), in batches (entry-confirmer.ts). */
    confirm,

    /** A subscriber's stream of the room's entries after `after` (see room-stream.ts). */
    stream: <T>(request: StreamRequest<T>) => openRoomStream({ db, groups, confirm, relays, ...request }),

    /** Stops the search indexer's timer (before the database closes). */
    close: () => indexer.close(),
  };
}

export type RoomLog = ReturnType<typeof createRoomLog>;

function defaultPublishError(error: unknown, room: RoomName, seq: number) {
  console.error(`publish to room '${room}' failed; entry ${seq} is stored`, error);
}
