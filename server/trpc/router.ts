/** The router every client speaks. `AppRouter`'s type is the contract: clients import it as a type only. */
import { mergeRouters, router } from "./init.ts";
import { attachmentRouter } from "./routers/attachment.ts";
import { authRouter } from "./routers/auth.ts";
import { dmRouter } from "./routers/dm.ts";
import { meRouter } from "./routers/me.ts";
import { roomRouter } from "./routers/room.ts";
import { roomMembersRouter } from "./routers/room-members.ts";
import { userRouter } from "./routers/user.ts";

export const appRouter = router({
  auth: authRouter,
  room: mergeRouters(roomRouter, roomMembersRouter),
  dm: dmRouter,
  me: meRouter,
  attachment: attachmentRouter,
  user: userRouter,
});

export type AppRouter = typeof appRouter;
