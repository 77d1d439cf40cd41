/**
 * What a browser is told about each response, over real HTTP: the app's pages
 * carry a Content-Security-Policy that runs only the site's own scripts and
 * forbids framing; every response says nosniff and a referrer policy; the
 * session cookie is `__Host-` over HTTPS and only that name is read.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../support/server.ts";

let dir: string;
let server: TestServer;
beforeAll(async () => {
  // A built app as `vite build` lays it out: index.html and hashed assets.
  dir = mkdtempSync(join(tmpdir(), "parlor-headers-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(
    join(dir, "index.html"),
    '<!doctype html><title>app</title><script type="module" src="/assets/index-abc.js"></script>',
  );
  writeFileSync(join(dir, "assets", "index-abc.js"), "console.log('app')");
  server = await startTestServer({}, { clientDir: dir });
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The CSP as a map of directive → sources. */
function directives(csp: string | null): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of (csp ?? "").split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name, sources);
  }
  return map;
}

describe("security headers", () => {
  test("an app page (/, /login, /account, /room/lobby/) has a CSP: scripts and styles from the site only, the WebSocket to this host, no framing", async () => {
    const host = new URL(server.url).host;
    for (const path of ["/", "/login", "/account", "/room/lobby/"]) {
      const res = await fetch(`${server.url}${path}`);
      expect({ path, type: res.headers.get("content-type") }).toEqual({ path, type: "text/html; charset=utf-8" });
      const csp = directives(res.headers.get("content-security-policy"));
      expect(csp.get("script-src")).toEqual(["'self'"]);
      expect(csp.get("style-src")).toEqual(["'self'"]);
      expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
      expect(csp.get("object-src")).toEqual(["'none'"]);
      expect(csp.get("connect-src")).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    }
  });

  test("every other response — asset, JSON, tRPC, 404, refused upgrade — says nosniff and allows nothing as a document", async () => {
    const responses = {
      asset: await fetch(`${server.url}/assets/index-abc.js`),
      healthz: await fetch(`${server.url}/healthz`),
      rest: await fetch(`${server.url}/api/messages/lobby/`),
      restError: await fetch(`${server.url}/api/messages/a..b/`),
      trpc: await fetch(`${server.url}/trpc/auth.me`),
      missing: await fetch(`${server.url}/no/such/page`),
      refusedUpgrade: await fetch(`${server.url}/trpc`, {
        headers: {
          connection: "Upgrade",
          upgrade: "websocket",
          "sec-websocket-version": "13",
          "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
          origin: "https://evil.example",
        },
      }),
    };
    for (const [what, res] of Object.entries(responses)) {
      expect({
        what,
        nosniff: res.headers.get("x-content-type-options"),
        csp: res.headers.get("content-security-policy"),
        referrer: res.headers.get("referrer-policy"),
      }).toEqual({
        what,
        nosniff: "nosniff",
        csp: "default-src 'none'; frame-ancestors 'none'",
        referrer: "strict-origin-when-cross-origin",
      });
    }
    expect(responses.refusedUpgrade.status).toBe(403);
  });
});

describe("the session cookie", () => {
  const register = (url: string) =>
    fetch(`${url}/trpc/auth.register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "ann", password: "correct horse" }),
    });
  const me = async (url: string, cookie: string) => {
    const res = await fetch(`${url}/trpc/auth.me`, { headers: { cookie } });
    return ((await res.json()) as { result: { data: { username: string } | null } }).result.data;
  };

  test("in production it is `__Host-parlor_session`, Secure, Path=/, no Domain; that name signs in and the bare name does not", async () => {
    await using prod = await startTestServer({ NODE_ENV: "production" });
    const cookie = (await register(prod.url)).headers.get("set-cookie")!;
    expect(cookie).toMatch(/^__Host-parlor_session=[a-z0-9]+;/);
    expect(cookie).toContain("; Secure");
    expect(cookie).toContain("; Path=/");
    expect(cookie.toLowerCase()).not.toContain("domain=");
    const token = cookie.split(";")[0]!.split("=")[1]!;
    expect((await me(prod.url, `__Host-parlor_session=${token}`))?.username).toBe("ann");
    // A cookie a subdomain or a plain-HTTP page could set (no prefix) is not the session.
    expect(await me(prod.url, `parlor_session=${token}`)).toBeNull();
  });

  test("in development (plain HTTP) it is `parlor_session`, without Secure, since browsers refuse `__Host-` without it", async () => {
    const cookie = (await register(server.url)).headers.get("set-cookie")!;
    expect(cookie).toMatch(/^parlor_session=[a-z0-9]+;/);
    expect(cookie).not.toContain("Secure");
  });
});
