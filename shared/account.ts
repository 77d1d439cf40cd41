/** The vocabulary of a person's own account: changing the password. Pure and isomorphic. */
import { z } from "zod";
import { Password } from "./schemas.ts";

export const ChangePasswordInput = z.object({
  /** Checked against the stored hash; only its length is bounded here (it was set under the same rules). */
  currentPassword: z.string("Your current password is required.").min(1, "Enter your current password.").max(256, "A password has at most 256 characters."),
  newPassword: Password,
});
export type ChangePasswordInput = z.input<typeof ChangePasswordInput>;
