/** room.search: messages that contain every word of a query, in the rooms the caller may read. */
import { SearchInput, searchTerms } from "../../../shared/search.ts";
import { addressKey } from "../../limits/client-address.ts";
import { requireVisible } from "../../rooms/access.ts";
import { publicProcedure, rateLimited } from "../init.ts";

/**
 * Newest first, paged by message id. With `room`, the access seam decides as
 * for every procedure about one room (a private room one is not in is
 * NOT_FOUND); without, the query itself keeps to public rooms and the
 * caller's own. Each call looks through a bounded window of messages
 * (SEARCH_SCAN_IDS), so a page may be short with a `nextCursor` still set.
 * Rate limited (TOO_MANY_REQUESTS) per signed-in user, or per address for a
 * guest, and per address whoever asks.
 */
export const searchProcedure = publicProcedure.input(SearchInput).query(async ({ ctx, input }) => {
  const address = addressKey(ctx.ip ?? "unknown");
  await rateLimited(ctx.services.limiters.search, ctx.user ? String(ctx.user.id) : `guest:${address}`, "searches");
  await rateLimited(ctx.services.limiters.searchPerIp, address, "searches from this address");
  if (input.room !== undefined) requireVisible(await ctx.services.rooms.access(input.room, ctx.user));
  return ctx.services.chat.search({
    terms: searchTerms(input.query),
    userId: ctx.user?.id ?? null,
    room: input.room,
    before: input.before,
    limit: input.limit,
  });
});
