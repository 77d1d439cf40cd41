import { TRPCError } from "@trpc/server";
import { errorIdOf } from "../errors/error-id.ts";
import type { Logger } from "../ops/log.ts";

/**
 * Our own failures, logged whole under the id the client was given, with the
 * request's or connection's id. Client mistakes are answered, not logged.
 */
export function logError(
  log: Logger,
  error: Error,
  fields: { path?: string | undefined; req?: string | undefined; conn?: string | undefined },
) {
  // (Only TRPCErrors are client mistakes: a driver's error with a `code` like ECONNREFUSED is ours.)
  if (error instanceof TRPCError && error.code !== "INTERNAL_SERVER_ERROR") return;
  log.error({ ...fields, errorId: errorIdOf(error), err: error }, `${fields.path ?? "request"} failed`);
}
