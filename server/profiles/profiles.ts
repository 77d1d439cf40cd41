/**
 * People as others see them: a display name and a picture (an upload of theirs,
 * its thumbnail public while worn) beside the username that stays their identity.
 * A change is published on the person's own group (`user:<id>`) — one publish
 * whatever the number of their rooms — and `watch` follows the people a page
 * shows, so open pages show the new name at once.
 */
import { sql } from "kysely";
import type { Db } from "../../db/index.ts";
import { type Locale, localeOfTag } from "../../shared/i18n/index.ts";
import { type Profile, type ProfileEvent, userGroup } from "../../shared/schemas.ts";
import { InvalidRequestError, NotFoundError } from "../errors/domain-errors.ts";
import type { Files } from "../files/files.ts";
import { thumbnailPath } from "../files/repository.ts";
import type { Delivery, GroupLayer } from "../groups/group-layer.ts";

interface ProfileRow {
  id: number | string;
  username: string;
  display_name: string | null;
  avatar_id: string | null;
}

const PROFILE_COLUMNS = ["id", "username", "display_name", "avatar_id"] as const;

const toProfile = (r: ProfileRow): Profile => ({
  username: r.username,
  displayName: r.display_name,
  avatarUrl: r.avatar_id === null ? null : thumbnailPath(r.avatar_id),
});

export interface ProfilesOptions {
  db: Db;
  groups: GroupLayer;
  /** Whether an upload may become someone's avatar (the file service decides). */
  files: Pick<Files, "mayWear">;
}

export function createProfiles({ db, groups, files }: ProfilesOptions) {
  const rowOf = (userId: number): Promise<ProfileRow> =>
    db.selectFrom("user").select(PROFILE_COLUMNS).where("id", "=", userId).executeTakeFirstOrThrow();

  /** The rows of those of `usernames` who exist (usernames are unique regardless of case). */
  async function rowsOf(usernames: readonly string[]): Promise<ProfileRow[]> {
    const wanted = [...new Set(usernames.map((u) => u.toLowerCase()))];
    if (wanted.length === 0) return [];
    return db.selectFrom("user").select(PROFILE_COLUMNS).where(sql<string>`lower(username)`, "in", wanted).execute();
  }

  return {
    /**
     * Sets (a value) or clears (null) `userId`'s display name and avatar; `undefined`
     * changes nothing. An avatar must be an image of theirs they can still read
     * (InvalidRequestError otherwise, worded the same whatever the reason, so an id
     * tells nothing of someone else's upload). Publishes the change when there was one.
     */
    async update(userId: number, change: { displayName?: string | null; avatar?: string | null }): Promise<Profile> {
      if (typeof change.avatar === "string" && !(await files.mayWear(userId, change.avatar)))
        throw new InvalidRequestError(
          `'${change.avatar}' is not an image you uploaded (JPEG, PNG, WebP or GIF) and can still read: upload one and use its id.`,
          { reason: "avatarNotYours" },
        );
      const set: { display_name?: string | null; avatar_id?: string | null } = {};
      if (change.displayName !== undefined) set.display_name = change.displayName;
      if (change.avatar !== undefined) set.avatar_id = change.avatar;
      const before = await rowOf(userId);
      if (Object.keys(set).length === 0) return toProfile(before);
      await db.updateTable("user").set(set).where("id", "=", userId).execute();
      const after = await rowOf(userId);
      const profile = toProfile(after);
      if (before.display_name !== after.display_name || before.avatar_id !== after.avatar_id) {
        const event: ProfileEvent = { type: "profile", userId, profile };
        // Never fails the change: a page that missed it shows the new profile on its next load.
        await groups
          .publish(userGroup(userId), event)
          .catch((error) => console.error(`[parlor] profile change of user ${userId} not published`, error));
      }
      return profile;
    },

    /** The language `userId` chose, null when none (their own business: not part of the profile others see). */
    async language(userId: number): Promise<Locale | null> {
      const row = await db.selectFrom("user").select("language").where("id", "=", userId).executeTakeFirst();
      return localeOfTag(row?.language);
    },

    /** Keeps (or with null, forgets) `userId`'s language. */
    async setLanguage(userId: number, language: Locale | null): Promise<Locale | null> {
      await db.updateTable("user").set({ language }).where("id", "=", userId).execute();
      return language;
    },

    /** One person's profile; NotFoundError for a username nobody has. */
    async profile(username: string): Promise<Profile> {
      const [row] = await rowsOf([username]);
      if (!row)
        throw new NotFoundError(`Nobody is called '${username}'.`, {
          reason: "noSuchUser",
          params: { user: username },
        });
      return toProfile(row);
    },

    /** The profiles of those of `usernames` who exist, in the order asked (unknown names are left out). */
    async profiles(usernames: readonly string[]): Promise<Profile[]> {
      const byName = new Map((await rowsOf(usernames)).map((r) => [r.username.toLowerCase(), toProfile(r)]));
      const seen = new Set<string>();
      return usernames.flatMap((u) => {
        const key = u.toLowerCase();
        const p = byName.get(key);
        if (!p || seen.has(key)) return [];
        seen.add(key);
        return [p];
      });
    },

    /**
     * Each change of these people's profiles, until `signal` aborts: subscribes to
     * their groups first (so nothing after the start is missed), and yields only
     * `profile` events from them — what else travels on a user's group (their read
     * markers, their rooms) is theirs alone and never leaves here.
     */
    async watch(usernames: readonly string[], signal: AbortSignal): Promise<AsyncIterable<Profile>> {
      const ids = (await rowsOf(usernames)).map((r) => Number(r.id));
      const streams = await Promise.all(ids.map((id) => groups.subscribe(userGroup(id), { signal })));
      return merge(streams, ids, signal);
    },
  };
}

/**
 * The profile events of several user groups, as they come. What waits to be
 * handed on is the latest profile per person (a newer one replaces an older),
 * so a slow reader holds at most one per person watched. `lagged` markers are
 * dropped: a page reads the names again when it reconnects.
 */
async function* merge(streams: AsyncIterable<Delivery>[], ids: number[], signal: AbortSignal): AsyncGenerator<Profile> {
  const pending = new Map<number, Profile>();
  let wake: (() => void) | null = null;
  const poke = () => {
    wake?.();
    wake = null;
  };
  signal.addEventListener("abort", poke, { once: true });
  streams.forEach((stream, i) => {
    (async () => {
      for await (const d of stream) {
        if (d.type !== "profile" || d.userId !== ids[i]) continue;
        pending.delete(d.userId);
        pending.set(d.userId, d.profile);
        poke();
      }
    })().catch((error) => console.error("[parlor] profile stream failed", error));
  });
  while (!signal.aborted) {
    const [first] = pending;
    if (first) {
      pending.delete(first[0]);
      yield first[1];
    } else {
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
}

export type Profiles = ReturnType<typeof createProfiles>;
