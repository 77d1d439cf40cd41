/** Rooms as places: create, info, members, join/leave, invitations, moderation, and the caller's own rooms. */
import {
  CreateRoomInput,
  MarkReadInput,
  RoomInput,
  RoomUserInput,
  SetRoleInput,
  SetTopicInput,
} from "../../../shared/schemas.ts";
import { authedProcedure, rateLimited, roomMemberProcedure, roomProcedure, router } from "../init.ts";

const ok = { ok: true as const };

export const roomMembersRouter = router({
  /**
   * A new room, public or private, the caller its owner; CONFLICT when the name is taken.
   * Rate limited per user (TOO_MANY_REQUESTS): every room is one more that the
   * owner's `me.rooms` follows, and every attempt, taken name or not, counts.
   */
  create: authedProcedure.input(CreateRoomInput).mutation(async ({ ctx, input }) => {
    await rateLimited(ctx.services.limiters.roomCreate, String(ctx.user.id), "rooms created");
    return ctx.services.rooms.create(ctx.user, input);
  }),

  /** `{ room, visibility, topic, owner, role, members, direct }`; NOT_FOUND for a name never used or a private room the caller is not in. */
  info: roomProcedure.input(RoomInput).query(({ ctx }) => ctx.services.rooms.info(ctx.access)),

  /** `{ username, role }[]`: owner first, then moderators, then members. */
  members: roomProcedure.input(RoomInput).query(({ ctx }) => ctx.services.rooms.members(ctx.access)),

  /** Joins a public room. */
  join: roomMemberProcedure.input(RoomInput).mutation(async ({ ctx }) => {
    await ctx.services.rooms.join(ctx.user, ctx.access);
    return ok;
  }),

  /** Leaves a room; the caller's open streams of it end. */
  leave: roomMemberProcedure.input(RoomInput).mutation(async ({ ctx }) => {
    await ctx.services.rooms.leave(ctx.user, ctx.access);
    return ok;
  }),

  /** The owner or a moderator adds a user to a private room at once. */
  invite: roomMemberProcedure.input(RoomUserInput).mutation(async ({ ctx, input }) => {
    await rateLimited(ctx.services.limiters.invite, String(ctx.user.id), "invitations");
    await ctx.services.rooms.invite(ctx.user, ctx.access, input.username);
    return ok;
  }),

  /** The owner or a moderator removes a member; their open streams of the room end. */
  kick: roomMemberProcedure.input(RoomUserInput).mutation(async ({ ctx, input }) => {
    await ctx.services.rooms.kick(ctx.user, ctx.access, input.username);
    return ok;
  }),

  /** The owner or a moderator bans a user: removed, cannot rejoin, read a private room or send to a public one. */
  ban: roomMemberProcedure.input(RoomUserInput).mutation(async ({ ctx, input }) => {
    await ctx.services.rooms.ban(ctx.user, ctx.access, input.username);
    return ok;
  }),

  /**
   * `{ username, by, at }[]`: who is banned from the room, by whom and since when, newest
   * first (at most 1000). The owner and moderators only (FORBIDDEN for anyone else).
   */
  bans: roomMemberProcedure.input(RoomInput).query(({ ctx }) => ctx.services.rooms.bans(ctx.access)),

  /** The owner or a moderator lets a banned user back (to join a public room, or be invited to a private one). */
  unban: roomMemberProcedure.input(RoomUserInput).mutation(async ({ ctx, input }) => {
    await ctx.services.rooms.unban(ctx.user, ctx.access, input.username);
    return ok;
  }),

  /** The owner makes a member a moderator, or back. */
  setRole: roomMemberProcedure.input(SetRoleInput).mutation(async ({ ctx, input }) => {
    await ctx.services.rooms.setRole(ctx.user, ctx.access, input.username, input.role);
    return ok;
  }),

  /** The owner or a moderator sets the topic ("" clears it). */
  setTopic: roomMemberProcedure
    .input(SetTopicInput)
    .mutation(({ ctx, input }) => ctx.services.rooms.setTopic(ctx.access, input.topic)),

  /** Moves the caller's read marker forward to `seq` (never back; clamped to the newest entry): `{ room, lastReadSeq }`. */
  markRead: roomMemberProcedure
    .input(MarkReadInput)
    .mutation(({ ctx, input }) => ctx.services.unread.markRead(ctx.user, input.room, input.seq)),

  /** The rooms the caller is a member of, DMs included, most recent activity first. */
  mine: authedProcedure.query(({ ctx }) => ctx.services.rooms.mine(ctx.user)),
});
