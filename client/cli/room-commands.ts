/**
 * The CLI's commands about rooms as places — create, info, members, invite,
 * kick, ban, unban, role, topic, leave, dm — and `rooms`, your rooms with what you have not
 * read above the active public ones. Each is one call (or a few, batched) on
 * the typed client; the server decides who may do what, and its refusals reach
 * the user as they are worded (main.ts prints them and exits 1).
 */

import type { ParlorClient } from "@parlor/client";
import type { RoomUnread } from "../../shared/schemas.ts";
import type { Command, CommandInput } from "./command.ts";
import { printable } from "./format.ts";
import { PROGRAM } from "./program.ts";
import { formatActiveRoom, formatMember, formatRoomInfo, formatYourRoom, type YourRoom } from "./room-format.ts";
import { required, UsageError } from "./usage.ts";

/**
 * A room argument as the user wrote it: `@bob` is your direct conversation
 * with bob (opened on first use), anything else a room's name. Room names
 * cannot contain `@`, so the two never meet.
 */
export async function resolveRoom(client: ParlorClient, written: string): Promise<string> {
  if (!written.startsWith("@")) return written;
  return (await client.dm.open.mutate({ username: written.slice(1) })).room;
}

/** Your rooms as `me.rooms` reports them first: the snapshot, with exact unread and mention counts. */
function firstMyRooms(client: ParlorClient): Promise<RoomUnread[]> {
  return new Promise((resolve, reject) => {
    const sub = client.me.rooms.subscribe(undefined, {
      onData: (event) => {
        if (event.type !== "snapshot") return;
        // Settled first: unsubscribing completes the stream, which must not count as ending early.
        resolve(event.rooms);
        sub.unsubscribe();
      },
      onError: reject,
      onComplete: () => reject(new Error("me.rooms ended before it said which rooms are yours.")),
    });
  });
}

/** Your rooms, newest activity first, each with its role, topic and (for a DM) the other person. */
async function yourRooms(client: ParlorClient): Promise<YourRoom[]> {
  const [unread, mine, me] = await Promise.all([
    firstMyRooms(client),
    client.room.mine.query(),
    client.auth.me.query(),
  ]);
  const byName = new Map(mine.map((r) => [r.room, r]));
  const direct = unread.filter((r) => r.direct);
  // One batched request for every DM's two people: the name shown is the one that is not you.
  const partners = await Promise.all(direct.map((r) => client.room.members.query({ room: r.room })));
  const partnerOf = new Map(
    direct.map((r, i) => [r.room, partners[i]!.find((m) => m.username !== me?.username)?.username]),
  );
  return [...unread]
    .sort((a, b) => b.lastMessageAt.localeCompare(a.lastMessageAt) || a.room.localeCompare(b.room))
    .map((r) => ({ unread: r, mine: byName.get(r.room), partner: partnerOf.get(r.room) }));
}

async function rooms({ client, signedIn }: CommandInput) {
  const [mine, active] = await Promise.all([signedIn ? yourRooms(client) : null, client.room.active.query()]);
  if (mine) {
    console.log("Your rooms:");
    if (mine.length === 0) console.log("(none yet: send to a room, or create one)");
    for (const r of mine) console.log(formatYourRoom(r));
  } else {
    console.error(`(sign in to see your rooms and what you have not read: ${PROGRAM} login <username>)`);
  }
  console.log("Active public rooms:");
  if (active.length === 0) console.log("(none yet)");
  for (const r of active) console.log(formatActiveRoom(r));
}

async function create({ client, args, opts }: CommandInput) {
  const room = required(args, 0, "the room's name");
  const info = await client.room.create.mutate({
    room,
    visibility: opts.private ? "private" : "public",
    topic: opts.topic,
  });
  console.log(`Created ${info.visibility} room ${printable(info.room)}; you are its owner.`);
  if (info.visibility === "private")
    console.log(`Only its members see it. Add someone: ${PROGRAM} invite ${printable(info.room)} <username>`);
}

async function info({ client, args }: CommandInput) {
  const room = await resolveRoom(client, required(args, 0, "the room"));
  console.log(formatRoomInfo(await client.room.info.query({ room })));
}

async function members({ client, args }: CommandInput) {
  const room = await resolveRoom(client, required(args, 0, "the room"));
  for (const m of await client.room.members.query({ room })) console.log(formatMember(m));
}

/** invite, kick, ban, unban: `<room> <username>`, then what happened in words. */
function moderation(procedure: "invite" | "kick" | "ban" | "unban", done: (user: string, room: string) => string) {
  return async ({ client, args }: CommandInput) => {
    const room = required(args, 0, "the room");
    const username = required(args, 1, "the username");
    await client.room[procedure].mutate({ room, username });
    console.log(done(printable(username), printable(room)));
  };
}

async function role({ client, args }: CommandInput) {
  const room = required(args, 0, "the room");
  const username = required(args, 1, "the username");
  const newRole = required(args, 2, "the role (moderator or member)");
  if (newRole !== "moderator" && newRole !== "member")
    throw new UsageError(`A role is 'moderator' or 'member', not '${newRole}'.`);
  await client.room.setRole.mutate({ room, username, role: newRole });
  console.log(
    `${printable(username)} is ${newRole === "moderator" ? "a moderator" : "a member"} of ${printable(room)} now.`,
  );
}

async function topic({ client, args }: CommandInput) {
  const room = required(args, 0, "the room");
  const text = args.slice(1).join(" ");
  const info = await client.room.setTopic.mutate({ room, topic: text });
  console.log(
    info.topic
      ? `The topic of ${printable(info.room)} is now: ${printable(info.topic)}`
      : `${printable(info.room)} has no topic now.`,
  );
}

async function leave({ client, args }: CommandInput) {
  const room = required(args, 0, "the room");
  if (room.startsWith("@"))
    throw new UsageError(`To leave a direct conversation, name its room (${PROGRAM} dm ${room.slice(1)} shows it).`);
  await client.room.leave.mutate({ room });
  console.log(`You left ${printable(room)}.`);
}

async function dm({ client, args }: CommandInput) {
  const username = required(args, 0, "the username");
  const { room } = await client.dm.open.mutate({ username });
  const who = printable(username);
  console.log(`Your conversation with ${who} is ${printable(room)}.`);
  console.log(`Send to it: ${PROGRAM} send @${who} <text>   (or: send ${printable(room)} <text>)`);
  console.log(`Read it:    ${PROGRAM} tail @${who}`);
}

export const roomCommands = {
  rooms,
  create,
  info,
  members,
  invite: moderation("invite", (user, room) => `Invited ${user} to ${room}: they are a member now.`),
  kick: moderation("kick", (user, room) => `Removed ${user} from ${room}.`),
  ban: moderation("ban", (user, room) => `Banned ${user} from ${room}: they cannot come back until unbanned.`),
  unban: moderation("unban", (user, room) => `${user} is no longer banned from ${room}.`),
  role,
  topic,
  leave,
  dm,
} satisfies Record<string, Command>;
