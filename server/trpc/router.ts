/** The router every client speaks. `AppRouter`'s type is the contract: clients import it as a type only. */
import { router } from "./init.ts";
import { authRouter } from "./routers/auth.ts";
import { roomRouter } from "./routers/room.ts";

export const appRouter = router({
  auth: authRouter,
  room: roomRouter,
});

export type AppRouter = typeof appRouter;
