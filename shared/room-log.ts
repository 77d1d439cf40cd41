/**
 * How an entry of a room's log changes the message it targets: the one fold
 * that the server's materialized state, the web client and the CLI all use, so
 * folding a room's entries from seq 1 gives exactly what `room.history` returns.
 * Pure and isomorphic; values are never mutated.
 */
import type { Message, Reaction, RoomEntry } from "./schemas.ts";

/** An entry that changes one message: edit, delete or reaction. */
export type ChangeEntry = Extract<RoomEntry, { target: number }>;
/** A change of membership: shown in the timeline, changes no message. */
export type MemberEntry = Extract<RoomEntry, { kind: "member" }>;

/** `reactions` with `user`'s `emoji` added or removed; the same array when nothing changes. */
export function withReaction(reactions: readonly Reaction[], emoji: string, user: string, added: boolean): Reaction[] {
  const at = reactions.findIndex((r) => r.emoji === emoji);
  const current = at >= 0 ? reactions[at]! : undefined;
  const has = current?.users.includes(user) ?? false;
  if (added === has) return reactions as Reaction[];
  const next = reactions.slice();
  if (added) {
    if (current) next[at] = { emoji, users: [...current.users, user] };
    else next.push({ emoji, users: [user] });
    return next;
  }
  const users = current!.users.filter((u) => u !== user);
  // The last user to remove it takes the emoji off the message.
  if (users.length === 0) next.splice(at, 1);
  else next[at] = { emoji, users };
  return next;
}

/** The message after one change entry that targets it. */
export function applyChange(message: Message, entry: ChangeEntry): Message {
  switch (entry.kind) {
    case "edit":
      return { ...message, text: entry.text, editedAt: entry.editedAt };
    case "delete":
      // A tombstone: it keeps its place and seq, nothing of what it said or what it drew.
      return { ...message, text: "", deleted: true, reactions: [], attachments: [] };
    case "reaction": {
      const reactions = withReaction(message.reactions, entry.emoji, entry.user, entry.added);
      return reactions === message.reactions ? message : { ...message, reactions };
    }
  }
}

/**
 * Folds entries (oldest first) into messages by seq: a message entry adds its
 * message, a change entry updates its target; membership entries change no
 * message. Entries whose target is not held (older than what the caller loaded) are ignored.
 */
export function foldEntries(messages: Map<number, Message>, entries: Iterable<RoomEntry>): Map<number, Message> {
  for (const entry of entries) {
    if (entry.kind === "message") messages.set(entry.seq, entry.message);
    else if (entry.kind !== "member") {
      const target = messages.get(entry.target);
      if (target) messages.set(entry.target, applyChange(target, entry));
    }
  }
  return messages;
}

/** `@name` as a word: not inside an e-mail address or another word, names as usernames are spelled. */
export const MENTION = /(?<![A-Za-z0-9_@.-])@([A-Za-z0-9_-]{3,32})(?![A-Za-z0-9_-])/g;

/** The usernames a text mentions, lower-cased, each once, in the order they first appear. */
export function mentionedNames(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(MENTION)) names.add(match[1]!.toLowerCase());
  return [...names];
}

/** Whether `text` mentions `username` (case-insensitive, as a word). */
export const mentions = (text: string, username: string) => mentionedNames(text).includes(username.toLowerCase());
