/**
 * The room as a place, for the room page: its info (topic, visibility, your
 * role) and members, reloaded when a membership entry arrives on the stream or
 * after one of your own changes, and the changes themselves (invite, kick, ban,
 * roles, leave, join, the topic, unbans). The server decides; this only calls it.
 */

import type { ParlorClient } from "@parlor/client";
import { createResource } from "solid-js";
import type { RoomBan, RoomInfo, RoomMember } from "../../../shared/schemas.ts";
import { isNotFound } from "./room-access.ts";
import { isManagerRole, type MemberAction } from "./room-roles.ts";

export interface RoomMembersOptions {
  client: ParlorClient;
  room: string;
  /** The signed-in user's id (null: a guest): a change reloads, since the role is the caller's. */
  userId: () => number | null | undefined;
}

export function createRoomMembers({ client, room, userId }: RoomMembersOptions) {
  // A name never used answers NOT_FOUND too: a public room not created yet has no info, and that is no error.
  const [info, { refetch: refetchInfo }] = createResource(
    () => userId() !== undefined && { user: userId() },
    (): Promise<RoomInfo | null> =>
      client.room.info.query({ room }).catch((e: unknown) => (isNotFound(e) ? null : Promise.reject(e))),
  );
  const [members, { refetch: refetchMembers }] = createResource(
    () => userId() !== undefined && { user: userId() },
    (): Promise<RoomMember[]> =>
      client.room.members.query({ room }).catch((e: unknown) => (isNotFound(e) ? [] : Promise.reject(e))),
  );

  // Only the owner and moderators may see who is banned: asked for once the role says so, and again each time the info is reloaded.
  const [bans] = createResource(
    () => {
      const i = info.latest;
      return !!i && !i.direct && isManagerRole(i.role) && { user: userId(), role: i.role };
    },
    (): Promise<RoomBan[]> => client.room.bans.query({ room }),
  );

  async function reload(): Promise<void> {
    await Promise.all([refetchInfo(), refetchMembers()]);
  }

  async function act(action: Exclude<MemberAction, "message">, username: string): Promise<void> {
    if (action === "kick") await client.room.kick.mutate({ room, username });
    else if (action === "ban") await client.room.ban.mutate({ room, username });
    else
      await client.room.setRole.mutate({ room, username, role: action === "makeModerator" ? "moderator" : "member" });
    await reload();
  }

  return {
    /** null for a room not created yet; undefined while loading. */
    info,
    members,
    reload,
    act,
    async invite(username: string): Promise<void> {
      await client.room.invite.mutate({ room, username });
      await reload();
    },
    async join(): Promise<void> {
      await client.room.join.mutate({ room });
      await reload();
    },
    /** Who is banned (owner and moderators only; unresolved for anyone else). */
    bans,
    async unban(username: string): Promise<void> {
      await client.room.unban.mutate({ room, username });
      await reload();
    },
    /** Sets the topic ("" clears it). */
    async setTopic(topic: string): Promise<void> {
      await client.room.setTopic.mutate({ room, topic });
      await refetchInfo();
    },
    /** Leaves; the room's stream then ends with "You left room '…'." */
    leave: () => client.room.leave.mutate({ room }),
  };
}

export type RoomMembers = ReturnType<typeof createRoomMembers>;
