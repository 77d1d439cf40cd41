/**
 * Builds the package into dist/: what `npm pack` / `bun pm pack` ship (prepack runs it).
 *
 * - index.js, fold.js, node.js: ESM for browsers, Bun and Node.js, with the
 *   shared/ code they use inlined; the dependencies (@trpc/*, ws) stay imports.
 * - cli.js: the `parlor` command (client/cli), for Node.js ≥ 20 and Bun; it
 *   imports the client by the package's own name.
 * - index.d.ts, fold.d.ts: one declaration bundle each. `tsc` (TypeScript 7)
 *   emits declarations of the sources and of what they reach (the server's
 *   router, shared/), then rollup-plugin-dts keeps only what the exports refer
 *   to. src/app-router.ts is what keeps the server's context (and with it
 *   Kysely, Elysia, Redis…) out of them; the last step checks that it did.
 */
import { chmodSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";
import packageJson from "./package.json" with { type: "json" };

const here = import.meta.dirname;
const dist = join(here, "dist");
const types = join(here, "build/types");
const dependencies = Object.keys(packageJson.dependencies);
/** A dependency's name or one of its subpaths (`@trpc/server/unstable-core-do-not-import`). */
const isDependency = (id: string) => dependencies.some((name) => id === name || id.startsWith(`${name}/`));

function check(result: Bun.BuildOutput, what: string) {
  if (!result.success) throw new AggregateError(result.logs, `Building ${what} failed`);
}

rmSync(dist, { recursive: true, force: true });
rmSync(types, { recursive: true, force: true });

check(
  await Bun.build({
    entrypoints: ["index.ts", "fold.ts", "node.ts"].map((name) => join(here, "src", name)),
    outdir: dist,
    target: "browser",
    format: "esm",
    splitting: true,
    external: dependencies,
    naming: { entry: "[name].js", chunk: "[name]-[hash].js" },
  }),
  "the client",
);

check(
  await Bun.build({
    entrypoints: [join(here, "../../client/cli/main.ts")],
    outdir: dist,
    target: "node",
    format: "esm",
    external: [packageJson.name, ...dependencies],
    naming: "cli.js",
    banner: "#!/usr/bin/env node",
    // The name the CLI's help and hints give for itself (in this repository: `bun run chat --`).
    define: { "process.env.PARLOR_CLI_NAME": JSON.stringify("parlor") },
  }),
  "the CLI",
);
chmodSync(join(dist, "cli.js"), 0o755);

const tsc = Bun.spawnSync([join(here, "../../node_modules/.bin/tsc"), "-p", join(here, "tsconfig.build.json")], {
  stdout: "inherit",
  stderr: "inherit",
});
if (tsc.exitCode !== 0) throw new Error("tsc could not emit the declarations");

const bundle = await rollup({
  input: { index: join(types, "packages/client/src/index.d.ts"), fold: join(types, "packages/client/src/fold.d.ts") },
  external: isDependency,
  plugins: [dts()],
});
await bundle.write({ dir: dist, format: "es", entryFileNames: "[name].d.ts", chunkFileNames: "[name]-[hash].d.ts" });
await bundle.close();
rmSync(join(here, "build"), { recursive: true, force: true });

// Nothing but the dependencies may be imported by what ships.
for (const file of new Bun.Glob("*.{js,ts}").scanSync(dist)) {
  const text = readFileSync(join(dist, file), "utf8");
  for (const [, id] of text.matchAll(/(?:from|import\()\s*["']([^"'.][^"']*)["']/g)) {
    if (!isDependency(id!) && id !== packageJson.name && !id!.startsWith("node:"))
      throw new Error(`dist/${file} imports ${id}, which the package does not depend on`);
  }
}
