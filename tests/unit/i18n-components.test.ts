/**
 * Every word a component shows comes from a catalog: no JSX text and no
 * aria-label, title, placeholder or alt literal with a letter in it, in any
 * client/app/**\/*.tsx. Components that the next pass converts are listed in
 * NOT_YET_TRANSLATED with the reason; a listed file that is already clean fails
 * the last test, so the list only shrinks.
 */
import { describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { Glob } from "bun";
import { untranslatedStrings } from "../support/jsx-strings.ts";

const ROOT = resolve(import.meta.dir, "../..");

/** Components whose words are not in the catalogs yet, with why (empty: every component speaks through them). */
const NOT_YET_TRANSLATED: Record<string, string> = {};

const components = await Array.fromAsync(new Glob("client/app/**/*.tsx").scan(ROOT));
const found = new Map(
  await Promise.all(
    components.map(async (file) => [file, untranslatedStrings(await Bun.file(join(ROOT, file)).text())] as const),
  ),
);

describe("components speak through the catalogs", () => {
  test("no component shows words of its own (but those listed for the next pass)", () => {
    const offenders = [...found]
      .filter(([file, strings]) => strings.length > 0 && !(file in NOT_YET_TRANSLATED))
      .map(([file, strings]) => `${file}: ${strings.map((s) => `${s.line}: "${s.text}"`).join(", ")}`);
    expect(offenders).toEqual([]);
  });

  test("the next pass's list only shrinks: a listed file that is already clean, or gone, fails", () => {
    const clean = Object.keys(NOT_YET_TRANSLATED).filter((file) => (found.get(file)?.length ?? 0) === 0);
    expect(clean).toEqual([]);
  });

  test("the check sees JSX text and read attributes, and not code", () => {
    const source = `
      const a = createSignal<string>(""); if (x < y) go();
      export const C = () => (
        <p title="Hover words" class="not-read" onClick={() => (setA("code"), go({ mode: "x" }))}>
          {t("ok.key")} Left here
          {cond && <span aria-label={"Spoken words"}>{n}</span>}
          <input placeholder={t("k")} alt="·" />
        </p>
      );`;
    expect(untranslatedStrings(source).map((s) => s.text)).toEqual(["Hover words", "Left here", "Spoken words"]);
  });

  test("the check sees the words a component keeps in its own `text` table, not the code between them", () => {
    const source = `
      const text = {
        title: "Room settings",
        added: (by: string, room: string) => \`\${by} added you to \${room.slice(1)}\`,
        count: 3,
      };
      const other = { mode: "not words" };`;
    expect(untranslatedStrings(source).map((s) => s.text)).toEqual(["Room settings", "added you to"]);
  });
});
