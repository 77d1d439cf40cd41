/** room.search: messages that contain every word of a query, in the rooms the caller may read. */
import { SearchInput, searchTerms } from "../../../shared/search.ts";
import { searchMessages } from "../../chat/search.ts";
import { requireVisible } from "../../rooms/access.ts";
import { publicProcedure } from "../init.ts";

/**
 * Newest first, paged by message id. With `room`, the access seam decides as
 * for every procedure about one room (a private room one is not in is
 * NOT_FOUND); without, the query itself keeps to public rooms and the
 * caller's own.
 */
export const searchProcedure = publicProcedure.input(SearchInput).query(async ({ ctx, input }) => {
  if (input.room !== undefined) requireVisible(await ctx.rooms.access(input.room, ctx.user));
  return searchMessages(ctx.db, {
    terms: searchTerms(input.query),
    userId: ctx.user?.id ?? null,
    room: input.room,
    before: input.before,
    limit: input.limit,
  });
});
