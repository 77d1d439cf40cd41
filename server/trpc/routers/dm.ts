/** Direct messages: the private room of two users. */
import { DmOpenInput } from "../../../shared/schemas.ts";
import { authedProcedure, router } from "../init.ts";

export const dmRouter = router({
  /** `{ room }`: the private room of the caller and `username`, the same from either side, created on first use. */
  open: authedProcedure
    .input(DmOpenInput)
    .mutation(({ ctx, input }) => ctx.services.rooms.openDm(ctx.user, input.username)),
});
