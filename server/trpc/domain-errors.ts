/** The services' domain errors as tRPC answers: the one place that knows both. */
import { TRPCError } from "@trpc/server";
import { isStorageUnavailable } from "../../db/unavailable.ts";
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  TooManyRequestsError,
} from "../errors/domain-errors.ts";

/**
 * What a client is told while the database cannot be reached: SERVICE_UNAVAILABLE (HTTP 503),
 * a code to retry on; the same call succeeds once the database answers again.
 */
export const STORAGE_UNAVAILABLE_MESSAGE = "Storage is unavailable right now: try again shortly.";

export const storageUnavailable = (cause: unknown) =>
  new TRPCError({ code: "SERVICE_UNAVAILABLE", message: STORAGE_UNAVAILABLE_MESSAGE, cause });

export function domainErrorToTRPC(error: unknown): TRPCError | null {
  if (isStorageUnavailable(error)) return storageUnavailable(error);
  if (!(error instanceof DomainError)) return null;
  const code =
    error instanceof NotFoundError
      ? "NOT_FOUND"
      : error instanceof ForbiddenError
        ? "FORBIDDEN"
        : error instanceof ConflictError
          ? "CONFLICT"
          : error instanceof InvalidRequestError
            ? "BAD_REQUEST"
            : error instanceof TooManyRequestsError
              ? "TOO_MANY_REQUESTS"
              : error instanceof PayloadTooLargeError
                ? "PAYLOAD_TOO_LARGE"
                : "INTERNAL_SERVER_ERROR";
  return new TRPCError({ code, message: error.message, cause: error });
}
