/** What concerns the signed-in user across rooms. */
import { SetLanguageInput, UpdateProfileInput } from "../../../shared/profile.ts";
import { both } from "../context.ts";
import { authedProcedure, rateLimited, router, takeMyRoomsSlot, takeSubscriptionSlot } from "../init.ts";

export const meRouter = router({
  /**
   * Sets (or, with null, clears) the caller's display name and avatar (an image
   * they uploaded: its thumbnail becomes public while worn); returns their profile.
   * Everyone watching them (`user.profileChanges`) hears of it. Rate limited per
   * user (TOO_MANY_REQUESTS): a burst of 5, then one a minute.
   */
  updateProfile: authedProcedure.input(UpdateProfileInput).mutation(async ({ ctx, input }) => {
    await rateLimited(ctx.services.limiters.profile, String(ctx.user.id), "profile changes");
    return ctx.services.profiles.update(ctx.user.id, input);
  }),

  /**
   * Sets (or, with null, clears) the language Parlor speaks to the caller on every
   * device; `auth.me` returns it. Rate limited with the profile's changes.
   */
  setLanguage: authedProcedure.input(SetLanguageInput).mutation(async ({ ctx, input }) => {
    await rateLimited(ctx.services.limiters.profile, String(ctx.user.id), "profile changes");
    return { language: await ctx.services.profiles.setLanguage(ctx.user.id, input.language) };
  }),

  /**
   * The caller's rooms (members of, DMs included), each with `lastSeq`,
   * `lastReadSeq`, exact `unread` and `mentions`: first a `snapshot`, then an
   * `update` per changed room (a new message, a marker moved in another tab, a
   * room joined) or `removed` (left, kicked, banned). Across processes. One
   * per connection (TOO_MANY_REQUESTS for a second while the first is open).
   */
  rooms: authedProcedure.subscription(async function* ({ ctx, signal }) {
    const release = both(takeMyRoomsSlot(ctx), takeSubscriptionSlot(ctx));
    // Released as soon as the client stops it, not when the generator gets round to ending:
    // a client that stops and resubscribes in one frame is not refused.
    signal?.addEventListener("abort", release, { once: true });
    try {
      yield* ctx.services.unread.watch(ctx.user, signal ?? new AbortController().signal);
    } finally {
      release();
    }
  }),
});
