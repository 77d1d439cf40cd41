/**
 * Why the API refused, beyond its tRPC code: a stable name a client translates
 * (`error.data.reason`, with `error.data.params`), while the error's message
 * stays the English sentence scripts read. Each reason is a key of the
 * catalogs' `errors` namespace (shared/i18n/en.ts), checked by the compiler.
 */
import type { Catalog } from "./i18n/en.ts";

export const ERROR_REASONS = [
  "roomNotFound",
  "banned",
  "managersOnly",
  "notOnOwner",
  "notOnModerator",
  "ownerOnlyRoles",
  "senderOnlyEdit",
  "senderOrModeratorDelete",
  "rateLimited",
  "wrongCredentials",
  "wrongPassword",
  "usernameTaken",
  "notOnYourself",
  "ownerCannotLeave",
  "dmNeedsSomeoneElse",
  "dmTwoOnly",
  "fileEmpty",
  "imageUnreadable",
  "imageTooManyPixels",
  "uploadsAtOnce",
  "uploadsPerDay",
  "uploadBytesPerDay",
  "fileAttachedTwice",
  "uploadGone",
  "avatarNotYours",
  "noSuchUser",
  "roomTaken",
  "roomFull",
  "privateRoomsPerDay",
  "privateByInvitation",
  "notAMember",
  "theyAreNotMember",
  "publicNoInvite",
  "unbanFirst",
  "ownerRoleFixed",
  "noSuchMessage",
  "messageDeleted",
  "replyGone",
  "reactionsLimit",
  "sessionGone",
] as const satisfies readonly (keyof Catalog["errors"])[];

export type ErrorReason = (typeof ERROR_REASONS)[number];

/** What an error tells a client to word it: `{ reason: "roomNotFound", params: { room: "lobby" } }`. */
export interface ErrorDetail {
  reason: ErrorReason;
  params?: Record<string, string | number>;
}
