/**
 * What tRPC over HTTP refuses before tRPC parses anything: subscriptions (they are
 * served over the WebSocket only, under its caps, Origin rule and session checks)
 * and batches of more than `maxBatchSize` calls. Each refusal is a tRPC error
 * shape with its HTTP status, as the fetch adapter would answer it, so
 * `httpBatchLink` hands every call of the batch the same clear error.
 */
import { type AnyRouter, getErrorShape, TRPCError, transformTRPCResponse } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";

export interface TrpcHttpRulesOptions {
  router: AnyRouter;
  /** Where tRPC is mounted, e.g. "/trpc". */
  endpoint: string;
  maxBatchSize: number;
}

/** `error` answered as tRPC's fetch adapter would (its shape, its HTTP status unless `status` says another). */
export function trpcErrorResponse(
  router: AnyRouter,
  error: TRPCError,
  path: string | undefined,
  init: { headers?: Record<string, string>; status?: number } = {},
): Response {
  const config = router._def._config;
  const shape = getErrorShape({ config, error, type: "unknown", path, input: undefined, ctx: undefined });
  return Response.json(transformTRPCResponse(config, { error: shape }), {
    status: init.status ?? getHTTPStatusCodeFromError(error),
    headers: init.headers ?? {},
  });
}

/** Returns the refusal for a request tRPC must not serve, or null to let tRPC handle it. */
export function createTrpcHttpRules({
  router,
  endpoint,
  maxBatchSize,
}: TrpcHttpRulesOptions): (request: Request) => Response | null {
  const procedures = router._def.procedures as Record<string, { _def: { type: string } } | undefined>;
  const subscriptions = new Set(
    Object.keys(procedures).filter((path) => procedures[path]?._def.type === "subscription"),
  );
  const prefix = `${endpoint}/`;

  const refuse = (error: TRPCError, path: string | undefined, headers: Record<string, string> = {}) =>
    trpcErrorResponse(router, error, path, { headers });

  return function trpcHttpRules(request) {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(prefix)) return null;
    let paths: string[];
    try {
      paths = decodeURIComponent(url.pathname.slice(prefix.length)).split(",");
    } catch {
      return null; // tRPC answers a malformed path itself
    }
    if (url.searchParams.get("batch") === "1" && paths.length > maxBatchSize) {
      const error = new TRPCError({
        code: "PAYLOAD_TOO_LARGE",
        message: `At most ${maxBatchSize} calls in one request (this one had ${paths.length}); nothing in it was run.`,
      });
      return refuse(error, undefined);
    }
    const subscription = paths.find((path) => subscriptions.has(path));
    if (subscription !== undefined) {
      const error = new TRPCError({
        code: "METHOD_NOT_SUPPORTED",
        message: `'${subscription}' is a subscription: subscriptions are served over the WebSocket at ${endpoint} only (tRPC's wsLink), not over HTTP.`,
      });
      // No method serves it here (an empty Allow says so, RFC 9110 §10.2.1).
      return refuse(error, subscription, { allow: "" });
    }
    return null;
  };
}
