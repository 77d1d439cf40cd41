/** The vocabulary of a person's own account: changing the password. Pure and isomorphic. */
import { z } from "zod";
import { Password, type User } from "./schemas.ts";

/** What `auth.register` and `auth.login` answer: who, and the session to call as. */
export interface SignedIn {
  user: User;
  /** The session token: the cookie's value, the bearer token, the WebSocket `connectionParams.token`. */
  token: string;
}

export const ChangePasswordInput = z.object({
  /** Checked against the stored hash; only its length is bounded here (it was set under the same rules). */
  currentPassword: z
    .string("Your current password is required.")
    .min(1, "Enter your current password.")
    .max(256, "A password has at most 256 characters."),
  newPassword: Password,
});
export type ChangePasswordInput = z.input<typeof ChangePasswordInput>;

/** One of your sessions, by the `id` that `auth.sessions` lists (16 hex digits). */
export const EndSessionInput = z.object({
  id: z
    .string("A session id is required.")
    .regex(/^[0-9a-f]{16}$/, "A session id is the 16 hex digits `auth.sessions` lists."),
});
