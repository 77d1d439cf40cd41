import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Elysia } from "elysia";
import { chatRedirect, staticFiles } from "../../server/http/static-files.ts";

let root: string;
let build: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "parlor-static-"));
  build = join(root, "client");
  mkdirSync(join(build, "assets"), { recursive: true });
  writeFileSync(join(build, "index.html"), "<!doctype html><title>app</title>");
  writeFileSync(join(build, "assets", "index-abc123.js"), "console.log('app')");
  writeFileSync(join(build, "robots.txt"), "User-agent: *");
  writeFileSync(join(root, "secret.txt"), "not for the web");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Mounted as server/http/http-app.ts mounts it: after the server's own routes. */
function appWith(dir: string) {
  return new Elysia()
    .get("/healthz", () => ({ ok: true }))
    .get("/api/messages/:room/", ({ params }) => ({ room: params.room }))
    .all("/api", () => Response.json({ error: "no such API" }, { status: 404 }))
    .all("/api/*", () => Response.json({ error: "no such API" }, { status: 404 }))
    .all("/trpc/*", ({ request }) => new Response(`trpc ${new URL(request.url).pathname}`), { parse: "none" })
    .use(chatRedirect())
    .use(staticFiles({ dir }));
}

const get = (app: ReturnType<typeof appWith>, path: string) => app.handle(new Request(`http://localhost${path}`));

describe("staticFiles", () => {
  test("serves the app's index.html for its own routes, so deep links and reloads work", async () => {
    const app = appWith(build);
    for (const path of ["/", "/login", "/room/lobby/", "/room/lobby"]) {
      const res = await get(app, path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(await res.text()).toContain("<title>app</title>");
    }
  });

  test("serves built files; hashed assets are cached for good, the rest revalidated", async () => {
    const app = appWith(build);
    const asset = await get(app, "/assets/index-abc123.js");
    expect(await asset.text()).toBe("console.log('app')");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    const robots = await get(app, "/robots.txt");
    expect(await robots.text()).toBe("User-agent: *");
    expect(robots.headers.get("cache-control")).toBe("no-cache");
  });

  test("never shadows tRPC, REST or the health check", async () => {
    const app = appWith(build);
    expect(await (await get(app, "/trpc/auth.me")).text()).toBe("trpc /trpc/auth.me");
    expect(await (await get(app, "/trpc/room.history?input=%7B%7D")).text()).toBe("trpc /trpc/room.history");
    expect(await (await get(app, "/api/messages/lobby/")).json()).toEqual({ room: "lobby" });
    expect(await (await get(app, "/healthz")).json()).toEqual({ ok: true });
    for (const path of ["/api", "/api/", "/api/nope"])
      expect(await (await get(app, path)).json()).toEqual({ error: "no such API" });
  });

  test("answers 404 for unknown paths and anything outside the build directory", async () => {
    const app = appWith(build);
    for (const path of [
      "/nope.js",
      "/assets/missing.js",
      "/room/a/b",
      "/..%2Fsecret.txt",
      "/assets/..%2F..%2Fsecret.txt",
      "/%E0%A4%A",
    ]) {
      const res = await get(app, path);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("not for the web");
    }
  });

  test("without a build, serves nothing: the app comes from Vite in development", async () => {
    const app = appWith(join(root, "no-build-here"));
    expect((await get(app, "/")).status).toBe(404);
    expect((await get(app, "/room/lobby/")).status).toBe(404);
  });
});

describe("chatRedirect", () => {
  test("sends the tutorial's /chat/<room>/ to /room/<room>/, keeping the query", async () => {
    const app = appWith(join(root, "no-build-here"));
    for (const path of ["/chat/lobby/", "/chat/lobby"]) {
      const res = await get(app, path);
      expect(res.status).toBe(308);
      expect(res.headers.get("location")).toBe("/room/lobby/");
    }
    expect((await get(app, "/chat/lobby/?x=1")).headers.get("location")).toBe("/room/lobby/?x=1");
  });
});
