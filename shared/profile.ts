/** The inputs about people: your own profile, and reading others'. Pure and isomorphic. */
import { z } from "zod";
import { LOCALES } from "./i18n/index.ts";
import { AttachmentId, DisplayName, Username } from "./schemas.ts";

/** At most this many usernames per `user.profiles` / `user.profileChanges` call. */
export const PROFILES_MAX = 100;

export const UpdateProfileInput = z.object({
  /** A new display name; null clears it; absent leaves it as it is. */
  displayName: DisplayName.nullable().optional(),
  /** One of your uploads, an image (JPEG, PNG, WebP, GIF), as your picture; null clears it; absent leaves it. */
  avatar: AttachmentId.nullable().optional(),
});
export type UpdateProfileInput = z.input<typeof UpdateProfileInput>;

/** `me.setLanguage`: Parlor's language for you on every device; null goes back to each browser's. */
export const SetLanguageInput = z.object({ language: z.enum(LOCALES).nullable() });
export type SetLanguageInput = z.input<typeof SetLanguageInput>;

export const ProfileInput = z.object({ username: Username });

export const ProfilesInput = z.object({
  usernames: z
    .array(Username)
    .min(1, "'usernames' names at least one person.")
    .max(PROFILES_MAX, `'usernames' names at most ${PROFILES_MAX} people.`),
});
export type ProfilesInput = z.input<typeof ProfilesInput>;
