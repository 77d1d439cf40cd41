/** The services' domain errors as tRPC answers: the one place that knows both. */
import { TRPCError } from "@trpc/server";
import { ChatError, ConflictError, ForbiddenError, InvalidRequestError, NotFoundError } from "../chat/errors.ts";

export function domainErrorToTRPC(error: unknown): TRPCError | null {
  if (!(error instanceof ChatError)) return null;
  const code =
    error instanceof NotFoundError
      ? "NOT_FOUND"
      : error instanceof ForbiddenError
        ? "FORBIDDEN"
        : error instanceof ConflictError
          ? "CONFLICT"
          : error instanceof InvalidRequestError
            ? "BAD_REQUEST"
            : "INTERNAL_SERVER_ERROR";
  return new TRPCError({ code, message: error.message, cause: error });
}
