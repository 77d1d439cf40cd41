/**
 * The arrows point one way (docs/design.md, "The parts"): client → (types of)
 * server → db → shared; inside the server, transports (trpc/, http/) above the
 * services, the domain errors below every service. These tests read the import
 * statements of every source file as text and fail on an import that points the
 * wrong way, naming the file and what it imports.
 *
 * Rules that code being restructured still breaks are listed once, in
 * KNOWN_EXCEPTIONS, with the reason; an exception that is no longer needed fails
 * the last test, so the list only shrinks.
 */
import { describe, expect, test } from "bun:test";
import { dirname, join, relative, resolve } from "node:path";
import { Glob } from "bun";

const ROOT = resolve(import.meta.dir, "../..");

interface Import {
  /** The importing file, from the repository's root ("server/rooms/rooms.ts"). */
  file: string;
  /** What it imports: a path from the root for a relative specifier, else the package name as written. */
  target: string;
  /** `import type …` / `export type … from`: gone once compiled. */
  typeOnly: boolean;
}

/** `import … from "x"`, `import "x"`, `export … from "x"` at the start of a line (spanning lines), and `import("x")`. */
const STATIC_IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^"';]*?\s+from\s*)?["']([^"']+)["']/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string, text: string): Import[] {
  const target = (specifier: string) =>
    specifier.startsWith(".") ? relative(ROOT, resolve(dirname(join(ROOT, file)), specifier)) : specifier;
  const found: Import[] = [];
  for (const [, type, specifier] of text.matchAll(STATIC_IMPORT))
    found.push({ file, target: target(specifier!), typeOnly: type !== undefined });
  for (const [, specifier] of text.matchAll(DYNAMIC_IMPORT))
    found.push({ file, target: target(specifier!), typeOnly: false });
  return found;
}

interface Source {
  file: string;
  text: string;
}

async function readSources(): Promise<Source[]> {
  const all: Source[] = [];
  for await (const file of new Glob("{server,shared,db,client}/**/*.{ts,tsx}").scan(ROOT)) {
    all.push({ file, text: await Bun.file(join(ROOT, file)).text() });
  }
  return all;
}

const sources = await readSources();
const imports = sources.flatMap((s) => importsOf(s.file, s.text));
const files = new Set(sources.map((s) => s.file));

const under =
  (...folders: string[]) =>
  (path: string) =>
    folders.some((folder) => path === folder || path.startsWith(`${folder}/`));

/**
 * The server's parts below the transports: the services, and what they stand on.
 * (`files/` is where uploads will live; config and settings are read by everyone.)
 */
const BELOW_TRANSPORTS = under(
  ...["chat", "rooms", "unread", "presence", "groups", "auth", "limits", "errors", "ops", "cluster", "files"].map(
    (f) => `server/${f}`,
  ),
  "server/config.ts",
  "server/settings.ts",
);
const TRANSPORTS = under("server/trpc", "server/http");
const SERVICES = under(...["chat", "rooms", "unread", "presence", "auth", "files"].map((f) => `server/${f}`));

/** What breaks a rule: in `file`, an import of `what` (a path), or another thing the rule names (a class, a cycle). */
interface Finding {
  file: string;
  what: string;
}

/** An import rule: the imports it forbids. */
const forbidding = (forbids: (i: Import) => boolean) => (): Finding[] =>
  imports.filter(forbids).map((i) => ({ file: i.file, what: i.target }));

const RULES = {
  servicesBelowTransports: {
    name: "services import neither trpc/ nor http/",
    find: forbidding((i) => BELOW_TRANSPORTS(i.file) && TRANSPORTS(i.target)),
  },
  trpcBelowHttp: {
    name: "trpc/ does not import http/ (http/ mounts tRPC, not the reverse)",
    find: forbidding((i) => under("server/trpc")(i.file) && under("server/http")(i.target)),
  },
  sharedAndDbAtTheBottom: {
    name: "shared/ and db/ import nothing from server/ or client/",
    find: forbidding((i) => under("shared", "db")(i.file) && under("server", "client")(i.target)),
  },
  nothingImportsTheClient: {
    name: "server/ imports nothing from client/",
    find: forbidding((i) => under("server")(i.file) && under("client")(i.target)),
  },
  clientSeesServerTypesOnly: {
    name: "client/ imports server/ as types only",
    find: forbidding((i) => under("client")(i.file) && under("server")(i.target) && !i.typeOnly),
  },
  domainErrorsBelowEveryService: {
    name: "server/errors/ imports nothing of the server, so every service may throw its errors",
    find: forbidding(
      (i) => under("server/errors")(i.file) && under("server")(i.target) && !under("server/errors")(i.target),
    ),
  },
  domainErrorsHaveOneHome: {
    name: "services define no error classes of their own: the domain errors live in server/errors/",
    find: () =>
      sources
        .filter((s) => SERVICES(s.file))
        .flatMap((s) =>
          [...s.text.matchAll(/\bclass\s+(\w+)\s+extends\s+\w*Error\b/g)].map(([, name]) => ({
            file: s.file,
            what: name!,
          })),
        ),
  },
  logKnowsNoAccessRules: {
    name: "server/chat/ (the room log) imports no other service: rooms/ appends through the log, not the reverse",
    // But for the attachments' SQL (server/files/repository.ts): a send attaches its files in its own
    // transaction and every reader of messages carries them; it holds no access rule.
    find: forbidding((i) => under("server/chat")(i.file) && SERVICES(i.target) && !under("server/chat")(i.target) && i.target !== "server/files/repository.ts"),
  },
  transportKnowsNoService: {
    name: "the WebSocket transport (trpc/ws/) imports no service",
    find: forbidding((i) => under("server/trpc/ws")(i.file) && SERVICES(i.target)),
  },
  authSealed: {
    name: "auth/ is sealed: outside it, only its interface (server/auth/index.ts) is imported",
    find: forbidding(
      (i) =>
        under("server")(i.file) &&
        !under("server/auth")(i.file) &&
        under("server/auth")(i.target) &&
        i.target !== "server/auth/index.ts",
    ),
  },
  routersThroughServices: {
    name: "routers reach the database through services only (no ctx.services.db under server/trpc/)",
    find: () =>
      sources
        .filter((s) => under("server/trpc")(s.file) && /\bctx\.(services\.)?db\b/.test(s.text))
        .map((s) => ({ file: s.file, what: "ctx.services.db" })),
  },
  noCycles: {
    name: "no import cycles between server files",
    find: () => importCycles().map((cycle) => ({ file: cycle[0]!, what: cycle.join(" → ") })),
  },
} satisfies Record<string, { name: string; find: () => Finding[] }>;

type RuleName = keyof typeof RULES;

/** Each cycle among server files, as the path that closes it (a → b → a). */
function importCycles(): string[][] {
  const edges = new Map<string, string[]>();
  for (const i of imports)
    if (under("server")(i.file) && files.has(i.target)) edges.set(i.file, [...(edges.get(i.file) ?? []), i.target]);
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === "open") cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of edges.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

/**
 * What breaks a rule today, in code whose restructuring is under way; each goes
 * when its reason does (the last test says so). Keep this list short.
 */
const KNOWN_EXCEPTIONS: (Finding & { rule: RuleName; why: string })[] = [
  {
    rule: "domainErrorsHaveOneHome",
    file: "server/chat/message-store.ts",
    what: "RoomAppeared",
    why: "not a domain error: the write path's own signal to retry a batch (PostgreSQL: the room was created meanwhile); it never leaves the module",
  },
];

const same = (a: Finding, b: Finding) => a.file === b.file && a.what === b.what;

describe("layers: imports point one way", () => {
  test("the scan reads imports, type-only ones told apart (a guard against a parser that finds nothing)", () => {
    expect(
      imports.some(
        (i) => i.file === "server/rooms/rooms.ts" && i.target === "server/errors/domain-errors.ts" && !i.typeOnly,
      ),
    ).toBe(true);
    expect(
      imports.some((i) => i.file === "client/parlor-client.ts" && i.target === "server/trpc/router.ts" && i.typeOnly),
    ).toBe(true);
  });

  for (const [rule, { name, find }] of Object.entries(RULES) as [RuleName, (typeof RULES)[RuleName]][]) {
    test(name, () => {
      const known = KNOWN_EXCEPTIONS.filter((e) => e.rule === rule);
      const broken = find().filter((f) => !known.some((e) => same(e, f)));
      expect(broken.map((f) => `${f.file}: ${f.what}`)).toEqual([]);
    });
  }

  test("every known exception is still needed (remove the ones that are fixed)", () => {
    const stale = KNOWN_EXCEPTIONS.filter((e) => !RULES[e.rule].find().some((f) => same(e, f)));
    expect(stale.map((e) => `${e.file}: ${e.what} (${e.rule})`)).toEqual([]);
  });
});
