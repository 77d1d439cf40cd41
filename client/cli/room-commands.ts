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

async function rooms({ client, signedIn, t }: CommandInput) {
  const [mine, active] = await Promise.all([signedIn ? yourRooms(client) : null, client.room.active.query()]);
  if (mine) {
    console.log(t("cli.yourRooms"));
    if (mine.length === 0) console.log(t("cli.noRoomsYet"));
    for (const r of mine) console.log(formatYourRoom(r, t));
  } else {
    console.error(t("cli.signInForRooms", { program: PROGRAM }));
  }
  console.log(t("cli.activeRooms"));
  if (active.length === 0) console.log(t("cli.noneYet"));
  for (const r of active) console.log(formatActiveRoom(r, t));
}

async function create({ client, args, opts, t }: CommandInput) {
  const room = required(args, 0, "cli.argRoomName");
  const info = await client.room.create.mutate({
    room,
    visibility: opts.private ? "private" : "public",
    topic: opts.topic,
  });
  console.log(
    t(info.visibility === "private" ? "cli.createdPrivate" : "cli.createdPublic", { room: printable(info.room) }),
  );
  if (info.visibility === "private")
    console.log(t("cli.privateHint", { room: printable(info.room), program: PROGRAM }));
}

async function info({ client, args, t }: CommandInput) {
  const room = await resolveRoom(client, required(args, 0, "cli.argRoom"));
  console.log(formatRoomInfo(await client.room.info.query({ room }), t));
}

async function members({ client, args, t }: CommandInput) {
  const room = await resolveRoom(client, required(args, 0, "cli.argRoom"));
  for (const m of await client.room.members.query({ room })) console.log(formatMember(m, t));
}

/** invite, kick, ban, unban: `<room> <username>`, then what happened in words. */
function moderation(
  procedure: "invite" | "kick" | "ban" | "unban",
  done: "cli.invited" | "cli.kicked" | "cli.banned" | "cli.unbanned",
) {
  return async ({ client, args, t }: CommandInput) => {
    const room = required(args, 0, "cli.argRoom");
    const username = required(args, 1, "cli.argUsername");
    await client.room[procedure].mutate({ room, username });
    console.log(t(done, { user: printable(username), room: printable(room) }));
  };
}

async function role({ client, args, t }: CommandInput) {
  const room = required(args, 0, "cli.argRoom");
  const username = required(args, 1, "cli.argUsername");
  const newRole = required(args, 2, "cli.argRole");
  if (newRole !== "moderator" && newRole !== "member")
    throw new UsageError((t) => t("cli.roleInvalid", { value: newRole }));
  await client.room.setRole.mutate({ room, username, role: newRole });
  console.log(
    t(newRole === "moderator" ? "cli.nowModerator" : "cli.nowMember", {
      user: printable(username),
      room: printable(room),
    }),
  );
}

async function topic({ client, args, t }: CommandInput) {
  const room = required(args, 0, "cli.argRoom");
  const text = args.slice(1).join(" ");
  const info = await client.room.setTopic.mutate({ room, topic: text });
  console.log(
    info.topic
      ? t("cli.topicSet", { room: printable(info.room), topic: printable(info.topic) })
      : t("cli.topicCleared", { room: printable(info.room) }),
  );
}

async function leave({ client, args, t }: CommandInput) {
  const room = required(args, 0, "cli.argRoom");
  if (room.startsWith("@"))
    throw new UsageError((t) => t("cli.leaveDirect", { user: room.slice(1), program: PROGRAM }));
  await client.room.leave.mutate({ room });
  console.log(t("cli.left", { room: printable(room) }));
}

async function dm({ client, args, t }: CommandInput) {
  const username = required(args, 0, "cli.argUsername");
  const { room } = await client.dm.open.mutate({ username });
  const who = printable(username);
  console.log(t("cli.dmIs", { user: who, room: printable(room) }));
  console.log(t("cli.dmSend", { user: who, room: printable(room), program: PROGRAM }));
  console.log(t("cli.dmRead", { user: who, program: PROGRAM }));
}

export const roomCommands = {
  rooms,
  create,
  info,
  members,
  invite: moderation("invite", "cli.invited"),
  kick: moderation("kick", "cli.kicked"),
  ban: moderation("ban", "cli.banned"),
  unban: moderation("unban", "cli.unbanned"),
  role,
  topic,
  leave,
  dm,
} satisfies Record<string, Command>;
