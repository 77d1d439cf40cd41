/**
 * People as the page shows them: each username's profile (display name and
 * picture), loaded in batches with `user.profiles` as names appear on screen,
 * and kept current with `user.profileChanges` for the names shown (the most
 * recently asked, up to the server's limit) while someone is signed in. One
 * store for the whole app, shared through a Solid context; components read
 * `name(username)` and `profile(username)` and never wait for them (the
 * username shows until the profile arrives).
 */

import type { ParlorClient } from "@parlor/client";
import { createContext, createEffect, createSignal, onCleanup, useContext } from "solid-js";
import { PROFILES_MAX } from "../../../shared/profile.ts";
import { type Profile, Username } from "../../../shared/schemas.ts";

export type { Profile };

/** How a person is called on screen: their display name, or their username when they set none. */
export const displayNameOf = (username: string, profile: Pick<Profile, "displayName"> | undefined): string =>
  profile?.displayName ?? username;

/** Splits `items` into runs of at most `size`. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}

/**
 * The usernames to follow live: `asked` in the order first asked, the newest
 * `max` of them (what is on screen now was asked last), lower-cased.
 */
export function watchedNames(asked: Iterable<string>, max = PROFILES_MAX): string[] {
  const all = [...asked];
  return all.slice(Math.max(0, all.length - max));
}

export interface PeopleOptions {
  client: ParlorClient;
  /** Whether someone is signed in: only they may follow changes live (guests read the names once). */
  signedIn: () => boolean;
}

export function createPeople({ client, signedIn }: PeopleOptions) {
  const [profiles, setProfiles] = createSignal<ReadonlyMap<string, Profile>>(new Map());
  /** Lower-cased usernames asked for, oldest first (a Set keeps insertion order). */
  const asked = new Set<string>();
  let pending: string[] = [];
  const [watched, setWatched] = createSignal<readonly string[]>([]);

  function store(list: readonly Profile[]) {
    if (list.length === 0) return;
    setProfiles((before) => {
      const after = new Map(before);
      for (const p of list) after.set(p.username.toLowerCase(), p);
      return after;
    });
  }

  async function load(usernames: readonly string[]): Promise<void> {
    await Promise.all(
      chunked(usernames, PROFILES_MAX).map((run) =>
        client.user.profiles.query({ usernames: run }).then(store, () => {
          // Shown by username meanwhile; asked again the next time they are shown.
          for (const u of run) asked.delete(u);
        }),
      ),
    );
  }

  /** Names asked for in one tick go in one request (a page of history names many people at once). */
  function flush() {
    const run = pending;
    pending = [];
    void load(run);
    setWatched(watchedNames(asked));
  }

  function want(username: string) {
    const key = username.toLowerCase();
    if (asked.has(key) || !Username.safeParse(key).success) return;
    asked.add(key);
    if (pending.push(key) === 1) queueMicrotask(flush);
  }

  createEffect(() => {
    const usernames = watched();
    if (!signedIn() || usernames.length === 0) return;
    const subscription = client.user.profileChanges.subscribe(
      { usernames: [...usernames] },
      {
        // Each (re)start reads them again: a change made while the stream was down is not replayed.
        onStarted: () => void load(usernames),
        onData: (profile) => store([profile]),
        // Shown as last loaded; the next name on screen subscribes again.
        onError: () => {},
      },
    );
    onCleanup(() => subscription.unsubscribe());
  });

  /** `username`'s profile once loaded (asks for it the first time). */
  function profile(username: string): Profile | undefined {
    want(username);
    return profiles().get(username.toLowerCase());
  }

  return {
    profile,
    /** How `username` is called: display name, else the username. */
    name: (username: string): string => displayNameOf(username, profile(username)),
    /** A profile known to be current (the user's own, as `me.updateProfile` returned it). */
    set: (profile: Profile) => store([profile]),
  };
}

export type People = ReturnType<typeof createPeople>;

export const PeopleContext = createContext<People>();

export function usePeople(): People {
  const people = useContext(PeopleContext);
  if (!people) throw new Error("usePeople() outside <PeopleContext.Provider>");
  return people;
}
