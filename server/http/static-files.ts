/**
 * The browser app in production: the files `vite build` wrote to dist/client,
 * and its index.html for the app's own routes so that deep links and reloads
 * work. Mounted only when a build exists (in development Vite serves the app).
 * It never answers for the server's own paths: /trpc, /api and /healthz.
 *
 * index.html is served in the language the request prefers (Accept-Language):
 * `<html lang>` and its few words are set before the first paint; the app then
 * follows the browser or the user's choice. A page the app does not have gets
 * the app with status 404, which shows its not-found page in that language.
 */
import { readFileSync, statSync } from "node:fs";
import { resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Elysia } from "elysia";
import { catalogs, LOCALES, type Locale, localeOfAcceptLanguage } from "../../shared/i18n/index.ts";

export const DEFAULT_CLIENT_DIR = fileURLToPath(new URL("../../dist/client", import.meta.url));

/** Paths the app routes itself (see client/app/app.tsx): they get index.html. */
const APP_ROUTES = ["/", "/login", "/login/", "/account", "/account/", "/room/:room", "/room/:room/"];
/**
 * Built files: hashed assets, and files at the top (index.html, icons). Named
 * routes rather than a catch-all, because Elysia matches a GET route before an
 * `.all()` one, so `/*` here would shadow tRPC's GET queries.
 */
const FILE_ROUTES = ["/assets/*", "/:file"];

/**
 * Whether `path` is a file to serve. A path no file can have is simply not one:
 * stat throws on a NUL byte, a name over 255 bytes (ENAMETOOLONG), a file used
 * as a directory (ENOTDIR), and its message names the absolute path.
 */
function isFile(path: string): boolean {
  if (path.includes("\0")) return false;
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

const notFound = () =>
  new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });

/** index.html in each language: `<html lang>` and the words shown without JavaScript. Read once, at start. */
function indexPages(indexHtml: string): Record<Locale, string> {
  const html = readFileSync(indexHtml, "utf8");
  const page = (locale: Locale) =>
    html
      .replace(/<html lang="[^"]*"/, `<html lang="${locale}"`)
      .replace(/<noscript>[^<]*<\/noscript>/, () => `<noscript>${catalogs[locale].common.noscript}</noscript>`);
  return Object.fromEntries(LOCALES.map((l) => [l, page(l)])) as Record<Locale, string>;
}

/** `/chat/<room>/`, the tutorial's path, is `/room/<room>/` here. Served with or without a build. */
export function chatRedirect() {
  const redirect = ({ params, request }: { params: { room: string }; request: Request }) => {
    const { search } = new URL(request.url);
    return new Response(null, {
      status: 308,
      headers: { location: `/room/${encodeURIComponent(params.room)}/${search}` },
    });
  };
  return new Elysia({ name: "chat-redirect" }).get("/chat/:room", redirect).get("/chat/:room/", redirect);
}

export interface StaticFilesOptions {
  /** The build output; default dist/client at the repository root. */
  dir?: string;
}

/** The built app, or nothing when there is no build in `dir`. */
export function staticFiles({ dir = DEFAULT_CLIENT_DIR }: StaticFilesOptions = {}) {
  const root = resolve(dir);
  const plugin = new Elysia({ name: "static-files", seed: root });
  const indexHtml = resolve(root, "index.html");
  if (!isFile(indexHtml)) return plugin;

  const pages = indexPages(indexHtml);
  const servePage = (request: Request, status: number) =>
    new Response(pages[localeOfAcceptLanguage(request.headers.get("accept-language"))], {
      status,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", vary: "Accept-Language" },
    });

  function serveFile({ request }: { request: Request }): Response {
    const { pathname } = new URL(request.url);
    let path: string;
    try {
      path = resolve(root, `.${decodeURIComponent(pathname)}`);
    } catch {
      return notFound();
    }
    // Nothing outside the build directory, whatever `..` or encoding the path tries.
    if (path.startsWith(root + sep) && isFile(path)) {
      // Vite puts a content hash in every asset name: those never change.
      const immutable = pathname.startsWith("/assets/");
      return new Response(Bun.file(path), {
        headers: { "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache" },
      });
    }
    // A person following a link to a page that does not exist: the app's not-found page, in their language.
    if (!pathname.startsWith("/assets/") && request.headers.get("accept")?.includes("text/html"))
      return servePage(request, 404);
    return notFound();
  }

  const serveApp = ({ request }: { request: Request }) => servePage(request, 200);

  for (const route of APP_ROUTES) plugin.get(route, serveApp);
  for (const route of FILE_ROUTES) plugin.get(route, serveFile);
  return plugin;
}
