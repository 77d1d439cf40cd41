/**
 * The router's type as a client sees it, with nothing of the server's inside.
 *
 * The server's `AppRouter` carries its context (`ctx`: the services, the
 * database's Kysely types, Redis, …) in every router level, though no client
 * reads it: published as is, its declarations would need the server's source
 * and dependencies. Here the same procedures (inputs, outputs, error shape)
 * hang under a root whose context is `object`.
 *
 * Declaration emit never expands a type alias, only the inferred type of a
 * value: `clientRouter` is such a value, and the mapped types of
 * `withoutContext` have no alias of their own, so `tsc --declaration` writes its
 * procedures out in full and no server module is referred to. The value is
 * never used at run time (it is `null`); only its type is exported.
 */
import type { AnyProcedure, AnyRouter, TRPCBuiltRouter } from "@trpc/server";
import type { AppRouter as ServerRouter } from "../../../server/trpc/router.ts";

type Root<TRouter extends AnyRouter> = TRouter["_def"]["_config"]["$types"];
type RecordOf<TRouter extends AnyRouter> = TRouter["_def"]["record"];

/**
 * Two levels (`room.send`): the router nests no deeper. Everything is written
 * from the type parameter, so that declaration emit prints it instantiated.
 */
function withoutContext<TRouter extends AnyRouter>(
  router: unknown,
): TRPCBuiltRouter<
  {
    ctx: object;
    meta: Root<TRouter>["meta"];
    errorShape: Root<TRouter>["errorShape"];
    transformer: Root<TRouter>["transformer"];
  },
  {
    [K in keyof RecordOf<TRouter>]: RecordOf<TRouter>[K] extends AnyProcedure
      ? RecordOf<TRouter>[K]
      : { [P in keyof RecordOf<TRouter>[K]]: RecordOf<TRouter>[K][P] };
  }
> {
  return router as never;
}

const clientRouter = withoutContext<ServerRouter>(null);

/** The contract with every client: `createTRPCClient<AppRouter>` and the inference helpers take it. */
export type AppRouter = typeof clientRouter;
