/**
 * The catalogs are complete: every key of English is in Spanish and nothing
 * else is (the compiler checks it too: es.ts is typed as `Catalog`), every
 * text uses the same slots, and rich texts the same tags, in both languages.
 */
import { describe, expect, test } from "bun:test";
import { type Catalog, catalogKeys, catalogs, createTranslator, LOCALES } from "../../shared/i18n/index.ts";
import { richSlots } from "../../shared/i18n/rich.ts";

/** Keys of `a` that `b` lacks. */
const missingFrom = (a: Catalog, b: Catalog) => {
  const theirs = new Set(catalogKeys(b));
  return catalogKeys(a).filter((k) => !theirs.has(k));
};

const valueAt = (catalog: Catalog, key: string): unknown =>
  key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], catalog);
const slotsOf = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe("message catalogs", () => {
  test("Spanish has every key English has, and no key English lacks", () => {
    expect(missingFrom(catalogs.en, catalogs.es)).toEqual([]);
    expect(missingFrom(catalogs.es, catalogs.en)).toEqual([]);
  });

  test("the check names a key missing from either side", () => {
    const { login: _dropped, ...withoutLogin } = catalogs.es;
    const partial = withoutLogin as unknown as Catalog;
    expect(missingFrom(catalogs.en, partial)).toContain("login.title");
    const extra = { ...catalogs.es, common: { ...catalogs.es.common, stray: "sobra" } } as Catalog;
    expect(missingFrom(extra, catalogs.en)).toEqual(["common.stray"]);
  });

  test("each text has the same {{ slots }} and <tags> in every language", () => {
    for (const key of catalogKeys(catalogs.en)) {
      const en = valueAt(catalogs.en, key);
      const es = valueAt(catalogs.es, key);
      expect(typeof es, key).toBe(typeof en);
      if (typeof en === "string" && typeof es === "string") {
        expect(slotsOf(es), key).toEqual(slotsOf(en));
        expect(richSlots(es), key).toEqual(richSlots(en));
      }
    }
  });

  test("no text is empty, and Spanish is not English left in place (but for names and symbols)", () => {
    const same = catalogKeys(catalogs.en).filter((key) => {
      const en = valueAt(catalogs.en, key);
      return (
        typeof en === "string" &&
        en === valueAt(catalogs.es, key) &&
        /[a-z]{4,}/.test(en.replace(/\{\{[^}]*\}\}|Parlor/g, ""))
      );
    });
    expect(same).toEqual([]);
    for (const locale of LOCALES)
      for (const key of catalogKeys(catalogs[locale])) expect(valueAt(catalogs[locale], key), key).not.toBe("");
  });

  test("plurals agree with the count in each language, with its separators", () => {
    const en = createTranslator(() => "en");
    const es = createTranslator(() => "es");
    expect(en("cli.messages", { count: 1 })).toBe("1 message");
    expect(en("cli.messages", { count: 1234 })).toBe("1,234 messages");
    expect(es("cli.messages", { count: 1 })).toBe("1 mensaje");
    expect(es("cli.messages", { count: 0 })).toBe("0 mensajes");
    expect(es("cli.messages", { count: 12345 })).toBe("12.345 mensajes");
    // Spanish's "many" (round millions) falls back to "other".
    expect(es("cli.messages", { count: 1_000_000 })).toBe("1.000.000 mensajes");
  });

  test("a slot's value is put in as written, never read as a replacement pattern", () => {
    const es = createTranslator(() => "es");
    expect(es("errors.roomNotFound", { room: "$&$1$$" })).toBe("La sala «$&$1$$» no existe.");
  });
});
