/**
 * Everything HTTP, on Elysia: tRPC's fetch adapter at /trpc, the REST history
 * route, /healthz, the /chat/<room>/ redirect and the built browser app.
 * WebSocket upgrades never reach it (see server/serve.ts).
 */

import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Elysia, InvalidCookieSignature, InvalidFileType, NotFoundError, ParseError, ValidationError } from "elysia";
import { isStorageUnavailable } from "../../db/unavailable.ts";
import { internalErrorMessage } from "../errors/error-id.ts";
import { MULTIPART_OVERHEAD_BYTES } from "../limits/defaults.ts";
import type { ReadinessCheck } from "../ops/health.ts";
import type { Metrics } from "../ops/metrics.ts";
import { createHttpContextFactory, type Services } from "../trpc/context.ts";
import { STORAGE_UNAVAILABLE_MESSAGE } from "../trpc/domain-errors.ts";
import { appRouter } from "../trpc/router.ts";
import { limitBody } from "./body-limit.ts";
import { serveFile } from "./files-route.ts";
import { getRoomMessages } from "./messages-route.ts";
import { metricsResponse } from "./metrics-route.ts";
import { isAllowedOrigin } from "./origin.ts";
import { chatRedirect, staticFiles } from "./static-files.ts";
import { createTrpcHttpRules, trpcErrorResponse } from "./trpc-http-rules.ts";

export interface HttpAppOptions {
  services: Services;
  allowedOrigins: readonly string[] | undefined;
  onError: (error: Error, path: string | undefined, req: Request) => void;
  /** The client address of a request, for per-IP limits. */
  clientIp: (req: Request) => string | null;
  /** Readiness and metrics (server/ops/). */
  ops: { readiness: ReadinessCheck; metrics: Metrics; metricsToken: string | undefined };
  /** The built browser app; default dist/client. Served only when it holds a build. */
  clientDir?: string;
  /** Largest body of a request to any path but the upload (413 beyond). */
  maxRequestBodyBytes: number;
  /** Largest file an upload carries. */
  maxUploadBytes: number;
}

/** The one path that takes large bodies: a file, as multipart FormData. */
export const UPLOAD_PATH = "/trpc/attachment.upload";

/** The body Bun may let in at all: the largest any path takes (each path's own limit is checked by `limitBody`). */
export const largestBody = (limits: { maxRequestBodyBytes: number; maxUploadBytes: number }) =>
  Math.max(limits.maxRequestBodyBytes, limits.maxUploadBytes + MULTIPART_OVERHEAD_BYTES);

/**
 * Elysia's own answers to a request it could not route or read: the client's
 * doing, and worded by Elysia without our internals. Anything else thrown is our
 * failure. Elysia names an error by its `code` property, which system errors
 * (ENAMETOOLONG), SQLite and PostgreSQL errors carry too: deciding by that name
 * once let their messages, with paths and SQL, through to clients.
 */
const isRequestError = (error: unknown) =>
  error instanceof NotFoundError ||
  error instanceof ParseError ||
  error instanceof ValidationError ||
  error instanceof InvalidCookieSignature ||
  error instanceof InvalidFileType;

function noApiRoute({ set, request }: { set: { status?: number | string }; request: Request }) {
  set.status = 404;
  return { error: `No API route at ${new URL(request.url).pathname}` };
}

export function createHttpApp({
  services,
  allowedOrigins,
  onError,
  clientIp,
  clientDir,
  ops,
  maxRequestBodyBytes,
  maxUploadBytes,
}: HttpAppOptions) {
  const createContext = createHttpContextFactory(services, clientIp);
  const maxBatchSize = services.limits.maxBatchSize;
  const refusal = createTrpcHttpRules({ router: appRouter, endpoint: "/trpc", maxBatchSize });

  /** The session's user of a plain HTTP request (bearer token or cookie); null: a guest. */
  async function requestUser(request: Request) {
    const headers = request.headers;
    const token =
      services.auth.tokenFromHeaders({ authorization: headers.get("authorization") }) ??
      services.auth.tokenFromHeaders({ cookie: headers.get("cookie") });
    const session = token ? await services.auth.validate(token) : null;
    return session?.user ?? null;
  }

  /**
   * Each path's body limit, before anything reads the body: an upload's is
   * MAX_UPLOAD_BYTES (plus the multipart framing) and needs a declared length,
   * every other request's MAX_REQUEST_BODY_BYTES. tRPC paths answer in tRPC's shape.
   */
  async function admit(request: Request): Promise<Request | Response> {
    const path = new URL(request.url).pathname;
    const upload = path === UPLOAD_PATH;
    const verdict = await limitBody(request, upload ? maxUploadBytes + MULTIPART_OVERHEAD_BYTES : maxRequestBodyBytes, {
      requireLength: upload,
    });
    if (verdict.ok) return verdict.request;
    if (!path.startsWith("/trpc/")) return Response.json({ error: verdict.message }, { status: verdict.status });
    const message = upload && verdict.status === 413 ? `A file is at most ${maxUploadBytes} bytes.` : verdict.message;
    const code = verdict.status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST";
    return trpcErrorResponse(appRouter, new TRPCError({ code, message }), upload ? "attachment.upload" : undefined, {
      status: verdict.status,
    });
  }

  const trpc = ({ request }: { request: Request }) => {
    // A browser's state-changing call from a foreign page is cross-site request forgery.
    const origin = request.headers.get("origin");
    if (request.method !== "GET" && origin !== null && !isAllowedOrigin(origin, request.url, allowedOrigins)) {
      return Response.json({ error: `Origin '${origin}' is not allowed.` }, { status: 403 });
    }
    const refused = refusal(request);
    if (refused) return refused;
    return fetchRequestHandler({
      endpoint: "/trpc",
      req: request,
      router: appRouter,
      // Checked above with a clearer answer; tRPC's own check stays as the backstop.
      maxBatchSize,
      createContext,
      onError: ({ error, path, req }) => onError(error, path, req),
    });
  };

  const app = new Elysia()
    // Our own failures on REST routes: a generic answer with an id, the real error in the log.
    .onError(({ code, error, request, set }) => {
      // A status a handler chose (Elysia's `status()`) and Elysia's request errors keep their answer.
      if (typeof code === "number" || isRequestError(error)) return;
      // The database out of reach: retryable, said as such (503), not an internal error.
      if (isStorageUnavailable(error)) {
        set.status = 503;
        set.headers["retry-after"] = "1";
        return { error: STORAGE_UNAVAILABLE_MESSAGE };
      }
      const failure = error instanceof Error ? error : new Error(String(error));
      onError(failure, new URL(request.url).pathname, request);
      set.status = 500;
      return { error: internalErrorMessage(failure) };
    })
    // Alive: the process answers. Whether to send it traffic is /readyz.
    .get("/healthz", () => ({ ok: true }))
    .get("/readyz", async () => {
      const readiness = await ops.readiness.check();
      return Response.json(readiness, { status: readiness.ready ? 200 : 503 });
    })
    .get("/metrics", ({ request }) => metricsResponse(request, ops.metrics, ops.metricsToken))
    .get("/api/messages/:room/", async ({ params, query, set, request }) => {
      const result = await getRoomMessages(services, await requestUser(request), params.room, query);
      set.status = result.status;
      return result.body;
    })
    .get("/files/:id/:name", async ({ params, request }) =>
      serveFile(services.files, await requestUser(request), params.id, params.name, request),
    )
    // Any other /api path is a JSON 404, like the rest of the API speaks.
    .all("/api", noApiRoute)
    .all("/api/*", noApiRoute)
    // GET and POST by name: a GET wildcard (the static app) would otherwise win over `.all`.
    .get("/trpc/*", trpc, { parse: "none" })
    .post("/trpc/*", trpc, { parse: "none" })
    .use(chatRedirect())
    .use(staticFiles({ dir: clientDir }));

  return {
    /** Checks `request`'s body against its path's limit, unread: the refusal, or the request to `handle` (a new one when a body without a length was read). */
    admit,
    handle: (request: Request) => app.handle(request),
  };
}
