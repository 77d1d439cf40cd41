/** What concerns the signed-in user across rooms. */
import { authedProcedure, router, takeSubscriptionSlot } from "../init.ts";

export const meRouter = router({
  /**
   * The caller's rooms (members of, DMs included), each with `lastSeq`,
   * `lastReadSeq`, exact `unread` and `mentions`: first a `snapshot`, then an
   * `update` per changed room (a new message, a marker moved in another tab, a
   * room joined) or `removed` (left, kicked, banned). Across processes.
   */
  rooms: authedProcedure.subscription(async function* ({ ctx, signal }) {
    const release = takeSubscriptionSlot(ctx);
    try {
      yield* ctx.unread.watch(ctx.user, signal ?? new AbortController().signal);
    } finally {
      release();
    }
  }),
});
