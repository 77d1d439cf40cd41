/**
 * What the members panel offers whom, by the rules of README "Rooms and
 * access": the owner and moderators invite (private rooms), kick and ban;
 * nobody acts on the owner; moderators not on moderators; only the owner sets
 * roles; a direct conversation has none of these. The server checks the same
 * rules: this only hides what would be refused.
 */
import type { Translate } from "../../../shared/i18n/index.ts";
import type { RoomInfo, RoomMember, RoomRole } from "../../../shared/schemas.ts";

export type MemberAction = "message" | "makeModerator" | "makeMember" | "kick" | "ban";

/** The owner or a moderator: they also delete anyone's message. */
export const isManagerRole = (role: RoomRole | null | undefined) => role === "owner" || role === "moderator";
const isManager = isManagerRole;

/** The viewer's role may act on the target's role (kick, ban). */
function outranks(viewer: RoomRole | null, target: RoomRole): boolean {
  if (target === "owner") return false;
  if (viewer === "owner") return true;
  return viewer === "moderator" && target === "member";
}

/**
 * The actions `viewer` (signed in as `self`, with their role in the room) may
 * take on `target`, in the order the menu shows them. Nothing for oneself or a guest.
 */
export function memberActions(
  room: Pick<RoomInfo, "role" | "direct">,
  self: string | null | undefined,
  target: RoomMember,
): MemberAction[] {
  if (!self || target.username === self) return [];
  // In a direct conversation there is nobody else to act on, and no roles.
  if (room.direct) return [];
  const actions: MemberAction[] = ["message"];
  if (room.role === "owner" && target.role === "moderator") actions.push("makeMember");
  if (room.role === "owner" && target.role === "member") actions.push("makeModerator");
  if (outranks(room.role, target.role)) actions.push("kick", "ban");
  return actions;
}

/** Whether the viewer may invite people: a manager of a private room that is not a direct conversation. */
export const canInvite = (room: Pick<RoomInfo, "role" | "direct" | "visibility">) =>
  room.visibility === "private" && !room.direct && isManager(room.role);

/** Whether the viewer may leave: a member who is not the owner (a direct conversation can be left by either). */
export const canLeave = (room: Pick<RoomInfo, "role" | "direct">) =>
  room.role !== null && (room.role !== "owner" || room.direct);

/** Whether the viewer may join: a public room they are not in (banned users are told so by the server). */
export const canJoin = (room: Pick<RoomInfo, "role" | "visibility">) =>
  room.visibility === "public" && room.role === null;

export const actionLabel = (t: Translate, action: MemberAction, username: string): string =>
  action === "message" ? t("memberActions.message", { user: username }) : t(`memberActions.${action}`);

export const roleLabel = (t: Translate, role: RoomRole): string =>
  ({ owner: t("moderation.roleOwner"), moderator: t("moderation.roleModerator"), member: t("moderation.roleMember") })[
    role
  ];
