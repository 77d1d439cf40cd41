/**
 * "Private from the first second", as a user of the real client sees it: who
 * watches a name's streams (room.messages and room.presence) before a private
 * room of that name exists, and the room's first moments (created, a member
 * invited, present, typing, a message). Shared by the one-process and the
 * two-process tests.
 */
import { expect } from "bun:test";
import type { ParlorClient, ParlorClientError } from "@parlor/client";
import type { RoomEntry, RoomPresence } from "../../shared/schemas.ts";
import { waitFor } from "./wait.ts";

/** What one client received from a room's two streams. */
export interface RoomWatch {
  entries: RoomEntry[];
  presence: RoomPresence[];
  /** "CODE: message" of each stream's end by error, null while it runs. */
  messagesEnd: string | null;
  presenceEnd: string | null;
  started: Promise<void>;
  stop(): void;
}

const describeError = (error: ParlorClientError) => `${error.data?.code}: ${error.message}`;

export function watchRoom(client: ParlorClient, room: string): RoomWatch {
  let started = 0;
  let markStarted!: () => void;
  const bothStarted = new Promise<void>((resolve) => (markStarted = resolve));
  const onStarted = () => ++started === 2 && markStarted();
  const watch: RoomWatch = {
    entries: [],
    presence: [],
    messagesEnd: null,
    presenceEnd: null,
    started: bothStarted,
    stop: () => {},
  };
  const messages = client.room.messages.subscribe(
    { room },
    {
      onStarted,
      onData: (event) => watch.entries.push(event.data),
      onError: (error) => (watch.messagesEnd = describeError(error)),
    },
  );
  const presence = client.room.presence.subscribe(
    { room },
    {
      onStarted,
      onData: (snapshot) => watch.presence.push(snapshot),
      onError: (error) => (watch.presenceEnd = describeError(error)),
    },
  );
  watch.stop = () => {
    messages.unsubscribe();
    presence.unsubscribe();
  };
  return watch;
}

export interface FirstMoments {
  room: string;
  owner: { client: ParlorClient; username: string };
  member: { client: ParlorClient; username: string };
  /** The member's client where they watch the room (any process). */
  memberWatching: ParlorClient;
}

/**
 * The owner creates `room` private and invites the member; the member watches it
 * (present) and types; the owner sends "first secret". Resolves once the member
 * has received the message, their own presence and their typing: everything of
 * the private room has been delivered wherever it was going to be.
 */
export async function firstMomentsOfPrivateRoom({ room, owner, member, memberWatching }: FirstMoments): Promise<void> {
  await owner.client.room.create.mutate({ room, visibility: "private" });
  await owner.client.room.invite.mutate({ room, username: member.username });
  const inside = watchRoom(memberWatching, room);
  await inside.started;
  await member.client.room.typing.mutate({ room });
  await owner.client.room.send.mutate({ room, text: "first secret" });
  await waitFor(
    () =>
      inside.entries.some((e) => e.kind === "message" && e.message.text === "first secret") &&
      inside.presence.some((p) => p.users.includes(member.username) && p.typing.includes(member.username)),
    "the member received the message, their presence and their typing",
    10_000,
  );
  inside.stop();
}

/** An outsider's watch ended with the seam's answer for a private room they cannot see, having received nothing of it. */
export async function expectShutOut(watch: RoomWatch, moments: FirstMoments): Promise<void> {
  // Everything of the room has been delivered by now (firstMomentsOfPrivateRoom): none of it here.
  expect(watch.entries).toEqual([]);
  const insiders = [moments.owner.username, moments.member.username];
  expect(
    watch.presence.filter((p) => insiders.some((name) => p.users.includes(name) || p.typing.includes(name))),
  ).toEqual([]);
  await waitFor(() => watch.messagesEnd !== null && watch.presenceEnd !== null, "the outsider's streams ended", 5000);
  const notFound = `NOT_FOUND: Room '${moments.room}' does not exist.`;
  expect({ messages: watch.messagesEnd, presence: watch.presenceEnd }).toEqual({
    messages: notFound,
    presence: notFound,
  });
}
