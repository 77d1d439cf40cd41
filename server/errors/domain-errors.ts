/**
 * What the services (room log, rooms, …) refuse, as small domain errors: the
 * routers map them to tRPC codes (server/trpc/domain-errors.ts), the REST
 * routes to HTTP statuses.
 * Below every service and importing nothing, so any service may throw them
 * without depending on another; nothing here knows about a transport.
 * `detail` names the refusal for clients that word it in their own language.
 */
import type { ErrorDetail } from "../../shared/error-reasons.ts";

export class DomainError extends Error {
  constructor(
    message: string,
    readonly detail?: ErrorDetail,
  ) {
    super(message);
  }
}

/** No such message (or the seq is an entry that is not a message). → NOT_FOUND */
export class NotFoundError extends DomainError {
  override name = "NotFoundError";
}

/** The one answer for "no such room" and "a private room you are not in": nothing tells them apart. → NOT_FOUND */
export const roomNotFound = (room: string) =>
  new NotFoundError(`Room '${room}' does not exist.`, { reason: "roomNotFound", params: { room } });

/** The caller may not do this to this message. → FORBIDDEN */
export class ForbiddenError extends DomainError {
  override name = "ForbiddenError";
}

/** The request cannot be carried out as asked (a deleted target, too many reactions, a resume point past the end). → BAD_REQUEST */
export class InvalidRequestError extends DomainError {
  override name = "InvalidRequestError";
}

/** Someone a moderator acts on who is not in the room. → BAD_REQUEST */
export const theyAreNotMember = (user: string, room: string) =>
  new InvalidRequestError(`${user} is not a member of room '${room}'.`, {
    reason: "theyAreNotMember",
    params: { user },
  });

/** The caller used up a quota or a cap (uploads a day, uploads at once). → TOO_MANY_REQUESTS */
export class TooManyRequestsError extends DomainError {
  override name = "TooManyRequestsError";
}

/** What was sent is larger than allowed (a file over MAX_UPLOAD_BYTES). → PAYLOAD_TOO_LARGE */
export class PayloadTooLargeError extends DomainError {
  override name = "PayloadTooLargeError";
}

/** It exists already (a room name, a username taken). → CONFLICT */
export class ConflictError extends DomainError {
  override name = "ConflictError";
}

/** Someone has this username already (whatever its case). → CONFLICT */
export class UsernameTakenError extends ConflictError {
  override name = "UsernameTakenError";
  constructor(readonly username: string) {
    super(`The username '${username}' is taken.`, { reason: "usernameTaken" });
  }
}

/** A retry whose client id was already used for a different message. → CONFLICT */
export class ClientIdReusedError extends ConflictError {
  override name = "ClientIdReusedError";
  constructor() {
    super("This 'clientId' was already used for a different message.");
  }
}
