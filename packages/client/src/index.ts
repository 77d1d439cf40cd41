/**
 * `@parlor/client`: the typed Parlor client for scripts, the web app and the CLI.
 * It runs in browsers, Bun and Node.js (≥ 20); its types come from the server's
 * router, bundled into the package's declarations when it is built.
 */
import { TRPCClientError } from "@trpc/client";
import type { ParlorClientError } from "./client.ts";

export type { SignedIn } from "../../../shared/account.ts";
export {
  type MeRoomsEvent,
  Profile,
  RoomInfo,
  RoomMember,
  RoomName,
  RoomPresence,
  RoomSummary,
  RoomUnread,
  User,
} from "../../../shared/schemas.ts";
export { CLOSE_SESSION_ENDED } from "../../../shared/transport.ts";
export type { AppRouter } from "./app-router.ts";
export * from "./client.ts";
export * from "./fold.ts";
/** The class of every error a call rejects with: the server's refusal (`error.data.code`) or no answer at all (`error.data` unset). */
export { TRPCClientError };

/** What a refusal says: `"NOT_FOUND"`, `"UNAUTHORIZED"`, `"TOO_MANY_REQUESTS"`, … (tRPC's codes, SECURITY.md tells which call answers which). */
export type ParlorErrorCode = NonNullable<ParlorClientError["data"]>["code"];

/** Whether `error` came from a Parlor call; its `data` is then the server's answer, or null when none came (the server is down, the URL is wrong). */
export function isParlorError(error: unknown): error is ParlorClientError {
  return error instanceof TRPCClientError;
}
