/**
 * Rooms as places: creating them, who is in them with which role, bans, topics,
 * direct messages. Every membership change is an entry of the room's log,
 * appended in the transaction that makes it and published after the commit;
 * losing access (kick, ban, leave) also ends the user's open streams of the
 * room on every process, and a name becoming a private room ends everyone
 * else's streams of it. Knows no transport: it throws the domain errors.
 */
import type { Db } from "../../db/index.ts";
import { createSharedReads } from "../../db/shared-reads.ts";
import {
  dmRoomOf,
  type MemberChange,
  type RoomBan,
  type RoomEntry,
  type RoomInfo,
  type RoomMember,
  type RoomName,
  type Visibility,
} from "../../shared/schemas.ts";
import { appendMemberEntry } from "../chat/change-store.ts";
import type { Author } from "../chat/log-rows.ts";
import {
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  theyAreNotMember,
} from "../errors/domain-errors.ts";
import type { GroupLayer } from "../groups/group-layer.ts";
import { announceToUser } from "../groups/user-events.ts";
import { MEMBERS_LIST_MAX, MY_ROOMS_MAX, ROOM_CREATION_WINDOW_MS } from "../limits/defaults.ts";
import { type AnyRoomAccess, canSee, isManager, type RoomAccess, requireExisting } from "./access.ts";
import { createPostAccessCache } from "./post-access-cache.ts";
import * as repo from "./repository.ts";
import type { Revocations, RevokeReason } from "./revocations.ts";
import { createStreamAccess } from "./stream-access.ts";
import { readAccess } from "./why-revoked.ts";

export interface RoomLimits {
  /** Members a room holds at most. */
  maxMembersPerRoom: number;
  /** Private rooms one user may create in 24 hours. */
  privateRoomsPerDay: number;
}

export interface RoomsOptions {
  db: Db;
  groups: GroupLayer;
  revocations: Revocations;
  limits: RoomLimits;
  /** Where failures of a revocation are logged (default: the console). */
  log?: { error(fields: object, message: string): void };
  /** Publishes a membership entry after its commit: the room log's, which counts it and survives a failed publish. */
  publish: (room: RoomName, entry: RoomEntry) => Promise<void>;
}

export function createRooms({ db, groups, revocations, limits, log, publish }: RoomsOptions) {
  /**
   * The room as `user` (null: a guest) sees it: the access seam's one query. The same
   * question asked again while it runs (a burst of one user's sockets) shares the next
   * read, started after every one of them asked (db/shared-reads.ts).
   */
  const accessReads = createSharedReads<AnyRoomAccess>();
  const access = (room: RoomName, user: { id: number } | null): Promise<AnyRoomAccess> =>
    accessReads.get(`${user?.id ?? 0} ${room}`, () => readAccess(db, room, user));

  const postAccess = createPostAccessCache();
  const streamAccess = createStreamAccess({ read: access });
  /** A change here: the room's remembered answers go (posting and streams). */
  const forgetRoom = (room: RoomName) => {
    postAccess.forget(room);
    streamAccess.forget(room);
  };
  revocations.onRevoke((room, userId) => {
    if (room === undefined) {
      postAccess.clear();
      streamAccess.clear();
      return;
    }
    postAccess.forget(room, userId);
    streamAccess.forget(room, userId);
  });

  /** Their list of rooms changed: their `me.rooms` watchers reload it. */
  const roomsChanged = (userId: number) => announceToUser(groups, userId, "rooms");

  async function revoke(room: RoomName, userId: number, reason: Exclude<RevokeReason, "hidden">): Promise<void> {
    await roomsChanged(userId);
    try {
      await revocations.revoke(room, userId, reason);
    } catch (error) {
      // The other processes re-check their streams when the layer is back (they see a lag then).
      log
        ? log.error({ err: error, room }, "revocation not published")
        : console.error(`revocation in room '${room}' not published`, error);
    }
  }

  /** Only `readers` may read the room now: everyone else's streams of it end, on every process. */
  async function narrow(room: RoomName, readers: number[]): Promise<void> {
    try {
      await revocations.narrow(room, readers);
    } catch (error) {
      // The other processes re-check their streams when the layer is back (they see a lag then).
      log
        ? log.error({ err: error, room }, "narrowing not published")
        : console.error(`narrowing of room '${room}' not published`, error);
    }
  }

  /** Runs a membership change and its log entry in one transaction, then publishes the entry. */
  async function changeMembership(
    room: RoomName,
    entry: { actor: Author; user: string; change: MemberChange; role?: "moderator" | "member" },
    apply: (trx: Db) => Promise<boolean>,
  ): Promise<boolean> {
    const appended = await db.transaction().execute(async (trx) => {
      if (!(await apply(trx))) return null;
      return appendMemberEntry(trx, { room, ...entry });
    });
    forgetRoom(room);
    if (appended) await publish(room, appended);
    return appended !== null;
  }

  async function targetUser(username: string) {
    const user = await repo.findUserByName(db, username);
    if (!user)
      throw new NotFoundError(`No user is called '${username}'.`, { reason: "noSuchUser", params: { user: username } });
    return user;
  }

  function requireManager(access: RoomAccess): void {
    if (!isManager(access.role))
      throw new ForbiddenError("Only the room's owner and moderators can do this.", { reason: "managersOnly" });
  }

  function requireNotDirect(access: RoomAccess): void {
    if (access.direct)
      throw new InvalidRequestError("A direct conversation is between its two people only.", { reason: "dmTwoOnly" });
  }

  /** Owners act on anyone but themselves; moderators only on plain members. */
  function requireOutranks(access: RoomAccess, target: { role: string | null; id: number }, actor: Author): void {
    if (target.id === actor.id)
      throw new InvalidRequestError("You cannot do this to yourself.", { reason: "notOnYourself" });
    if (target.role === "owner" || target.id === access.ownerId)
      throw new ForbiddenError("Nobody can do this to the room's owner.", { reason: "notOnOwner" });
    if (target.role === "moderator" && access.role !== "owner")
      throw new ForbiddenError("Moderators cannot act on other moderators.", { reason: "notOnModerator" });
  }

  /** Whom a kick or ban acts on, once the rules allow it: the caller manages the room and outranks them. */
  async function moderationTarget(user: Author, access: AnyRoomAccess, username: string) {
    const a = requireExisting(access);
    requireManager(a);
    requireNotDirect(a);
    const target = await targetUser(username);
    const role = await repo.findRole(db, a.room, target.id);
    requireOutranks(a, { role, id: target.id }, user);
    return { a, target, role };
  }

  async function requireRoomForNewMember(access: RoomAccess, trx: Db): Promise<void> {
    const fresh = await repo.findRoomAccess(trx, access.room, 0);
    if (fresh && fresh.memberCount >= limits.maxMembersPerRoom) {
      throw new InvalidRequestError(`Room '${access.room}' is full (${limits.maxMembersPerRoom} members).`, {
        reason: "roomFull",
        params: { count: limits.maxMembersPerRoom },
      });
    }
  }

  return {
    /** The room as `user` (null: a guest) sees it: the access seam's one query. */
    access,

    /**
     * `access` for the posting seam (send, edit, delete, react, typing): an
     * answer that allows posting is remembered for a moment (post-access-cache.ts).
     */
    async postAccess(room: RoomName, user: { id: number }): Promise<AnyRoomAccess> {
      const cached = postAccess.get(room, user.id);
      if (cached) return cached;
      const found = await access(room, user);
      if (found.exists && canSee(found) && !found.banned) postAccess.set(room, user.id, found);
      return found;
    },

    /**
     * `access` for opening a room's streams (room.messages, room.presence): an answer
     * that lets the caller see the room is remembered for a moment (stream-access.ts).
     */
    streamAccess: streamAccess.get,

    canSee,

    info(access: AnyRoomAccess): RoomInfo {
      const a = requireExisting(access);
      return {
        room: a.room,
        visibility: a.visibility,
        topic: a.topic,
        owner: a.owner ?? "",
        role: a.role,
        members: a.memberCount,
        direct: a.direct,
      };
    },

    async members(access: AnyRoomAccess): Promise<RoomMember[]> {
      return repo.listMembers(db, requireExisting(access).room, MEMBERS_LIST_MAX);
    },

    /** A new room, its creator the owner. */
    async create(
      user: Author,
      input: { room: RoomName; visibility: Visibility; topic?: string | undefined },
    ): Promise<RoomInfo> {
      const now = new Date();
      if (input.visibility === "private") {
        const since = new Date(now.getTime() - ROOM_CREATION_WINDOW_MS).toISOString();
        if ((await repo.countPrivateRoomsCreatedSince(db, user.id, since)) >= limits.privateRoomsPerDay) {
          throw new InvalidRequestError(
            `At most ${limits.privateRoomsPerDay} private rooms a day: try again tomorrow.`,
            {
              reason: "privateRoomsPerDay",
              params: { count: limits.privateRoomsPerDay },
            },
          );
        }
      }
      const topic = input.topic ? input.topic : null;
      const created = await db.transaction().execute(async (trx) => {
        if (
          !(await repo.insertRoom(trx, {
            room: input.room,
            visibility: input.visibility,
            topic,
            ownerId: user.id,
            direct: false,
            now: now.toISOString(),
          }))
        )
          return false;
        await repo.insertMember(trx, input.room, user.id, "owner", now.toISOString());
        // The name was anyone's to read: end those streams here before the commit lets a first entry in.
        if (input.visibility === "private") revocations.narrowLocally(input.room, [user.id]);
        return true;
      });
      if (!created)
        throw new ConflictError(`Room '${input.room}' already exists.`, {
          reason: "roomTaken",
          params: { room: input.room },
        });
      // Again after the commit (a stream that checked access meanwhile has registered by now), and on every process.
      if (input.visibility === "private") await narrow(input.room, [user.id]);
      await roomsChanged(user.id);
      return {
        room: input.room,
        visibility: input.visibility,
        topic,
        owner: user.username,
        role: "owner",
        members: 1,
        direct: false,
      };
    },

    /** Joins a public room (a "joined" entry); already a member: nothing changes. */
    async join(user: Author, access: AnyRoomAccess): Promise<void> {
      const a = requireExisting(access);
      if (a.visibility !== "public")
        throw new InvalidRequestError("A private room is joined by invitation.", { reason: "privateByInvitation" });
      if (a.banned)
        throw new ForbiddenError(`You are banned from room '${a.room}'.`, {
          reason: "banned",
          params: { room: a.room },
        });
      if (a.role) return;
      const joined = await changeMembership(
        a.room,
        { actor: user, user: user.username, change: "joined" },
        async (trx) => {
          await requireRoomForNewMember(a, trx);
          return repo.insertMember(trx, a.room, user.id, "member", new Date().toISOString());
        },
      );
      if (joined) await roomsChanged(user.id);
    },

    /** Leaves a room (a "left" entry); the user's open streams of it end. */
    async leave(user: Author, access: AnyRoomAccess): Promise<void> {
      const a = requireExisting(access);
      if (!a.role)
        throw new InvalidRequestError(`You are not a member of room '${a.room}'.`, {
          reason: "notAMember",
          params: { room: a.room },
        });
      if (a.role === "owner" && !a.direct)
        throw new InvalidRequestError("The owner cannot leave their room.", { reason: "ownerCannotLeave" });
      const left = await changeMembership(a.room, { actor: user, user: user.username, change: "left" }, (trx) =>
        repo.deleteMember(trx, a.room, user.id),
      );
      if (left) await revoke(a.room, user.id, "left");
    },

    /** The owner or a moderator adds someone to a private room, at once. */
    async invite(user: Author, access: AnyRoomAccess, username: string): Promise<void> {
      const a = requireExisting(access);
      requireManager(a);
      requireNotDirect(a);
      if (a.visibility !== "private")
        throw new InvalidRequestError("Anyone can join a public room: there is no need to invite.", {
          reason: "publicNoInvite",
        });
      const target = await targetUser(username);
      if (await repo.isBanned(db, a.room, target.id))
        throw new InvalidRequestError(`${target.username} is banned from this room: unban them first.`, {
          reason: "unbanFirst",
          params: { user: target.username },
        });
      const invited = await changeMembership(
        a.room,
        { actor: user, user: target.username, change: "invited", role: "member" },
        async (trx) => {
          if ((await repo.findRole(trx, a.room, target.id)) !== null) return false;
          await requireRoomForNewMember(a, trx);
          return repo.insertMember(trx, a.room, target.id, "member", new Date().toISOString());
        },
      );
      // Their `me.rooms` gets the room with `invitedBy`: "ann added you to #plans".
      if (invited) await announceToUser(groups, target.id, "rooms", a.room, user.username);
    },

    /** Removes a member; their open streams of the room end. */
    async kick(user: Author, access: AnyRoomAccess, username: string): Promise<void> {
      const { a, target, role } = await moderationTarget(user, access, username);
      if (!role) throw theyAreNotMember(target.username, a.room);
      const kicked = await changeMembership(a.room, { actor: user, user: target.username, change: "kicked" }, (trx) =>
        repo.deleteMember(trx, a.room, target.id),
      );
      if (kicked) await revoke(a.room, target.id, "kicked");
    },

    /** Bans a user (a member or not): removed, and kept out until unbanned. */
    async ban(user: Author, access: AnyRoomAccess, username: string): Promise<void> {
      const { a, target } = await moderationTarget(user, access, username);
      const now = new Date().toISOString();
      const banned = await changeMembership(
        a.room,
        { actor: user, user: target.username, change: "banned" },
        async (trx) => {
          if (!(await repo.insertBan(trx, a.room, target.id, user.id, now))) return false;
          await repo.deleteMember(trx, a.room, target.id);
          return true;
        },
      );
      if (banned) await revoke(a.room, target.id, "banned");
    },

    /** The room's bans, newest first, for its owner and moderators (ForbiddenError for anyone else: who is banned is the managers' business). */
    async bans(access: AnyRoomAccess): Promise<RoomBan[]> {
      const a = requireExisting(access);
      requireManager(a);
      return repo.listBans(db, a.room, MEMBERS_LIST_MAX);
    },

    async unban(user: Author, access: AnyRoomAccess, username: string): Promise<void> {
      const a = requireExisting(access);
      requireManager(a);
      const target = await targetUser(username);
      await changeMembership(a.room, { actor: user, user: target.username, change: "unbanned" }, (trx) =>
        repo.deleteBan(trx, a.room, target.id),
      );
    },

    /** The owner makes a member a moderator, or a moderator a member again. */
    async setRole(user: Author, access: AnyRoomAccess, username: string, role: "moderator" | "member"): Promise<void> {
      const a = requireExisting(access);
      if (a.role !== "owner")
        throw new ForbiddenError("Only the room's owner can change roles.", { reason: "ownerOnlyRoles" });
      requireNotDirect(a);
      const target = await targetUser(username);
      if (target.id === user.id)
        throw new InvalidRequestError("The owner's role does not change.", { reason: "ownerRoleFixed" });
      await changeMembership(a.room, { actor: user, user: target.username, change: "role", role }, async (trx) => {
        const current = await repo.findRole(trx, a.room, target.id);
        if (!current) throw theyAreNotMember(target.username, a.room);
        if (current === role) return false;
        await repo.updateRole(trx, a.room, target.id, role);
        return true;
      });
    },

    async setTopic(access: AnyRoomAccess, topic: string): Promise<RoomInfo> {
      const a = requireExisting(access);
      requireManager(a);
      await repo.updateTopic(db, a.room, topic || null);
      forgetRoom(a.room);
      return {
        room: a.room,
        visibility: a.visibility,
        topic: topic || null,
        owner: a.owner ?? "",
        role: a.role,
        members: a.memberCount,
        direct: a.direct,
      };
    },

    /** The private room of two users, the same from either side; created on first use. */
    async openDm(user: Author, username: string): Promise<{ room: RoomName }> {
      const other = await targetUser(username);
      if (other.id === user.id)
        throw new InvalidRequestError("A direct conversation needs someone else.", { reason: "dmNeedsSomeoneElse" });
      const room = dmRoomOf(user.id, other.id);
      const now = new Date().toISOString();
      const joined = await db.transaction().execute(async (trx) => {
        if (
          await repo.insertRoom(trx, { room, visibility: "private", topic: null, ownerId: user.id, direct: true, now })
        ) {
          await repo.insertMember(trx, room, user.id, "owner", now);
          await repo.insertMember(trx, room, other.id, "member", now);
          return [user.id, other.id];
        }
        // Coming back after leaving it.
        return (await repo.insertMember(trx, room, user.id, "member", now)) ? [user.id] : [];
      });
      for (const id of joined) await roomsChanged(id);
      return { room };
    },

    /** The rooms `user` is a member of, DMs included, most recent activity first. */
    mine: (user: Author, limit = MY_ROOMS_MAX) => repo.listUserRooms(db, user.id, limit),
  };
}

export type Rooms = ReturnType<typeof createRooms>;
