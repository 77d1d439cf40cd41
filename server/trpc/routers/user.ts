/** People as others see them: profiles by username, one or many, and their changes live. */
import { ProfileInput, ProfilesInput } from "../../../shared/profile.ts";
import { authedProcedure, publicProcedure, router, takeSubscriptionSlot } from "../init.ts";

export const userRouter = router({
  /** `{ username, displayName, avatarUrl }`; NOT_FOUND for a username nobody has. Anyone may ask, guests too: it is what every room shows. */
  profile: publicProcedure.input(ProfileInput).query(({ ctx, input }) => ctx.services.profiles.profile(input.username)),

  /** The profiles of up to 100 people at once, in the order asked; names nobody has are left out. */
  profiles: publicProcedure
    .input(ProfilesInput)
    .query(({ ctx, input }) => ctx.services.profiles.profiles(input.usernames)),

  /**
   * Subscription: the new profile of any of these people (up to 100) each time
   * one changes, across processes. Signed in; one of the connection's subscriptions.
   */
  profileChanges: authedProcedure.input(ProfilesInput).subscription(async function* ({ ctx, input, signal }) {
    const release = takeSubscriptionSlot(ctx);
    const stop = new AbortController();
    signal?.addEventListener("abort", () => stop.abort(), { once: true });
    try {
      yield* await ctx.services.profiles.watch(input.usernames, stop.signal);
    } finally {
      stop.abort();
      release();
    }
  }),
});
