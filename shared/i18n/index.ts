/**
 * Parlor's languages: the catalogs (en.ts, es.ts), a translator over one of
 * them (@solid-primitives/i18n's `translator` on the flattened catalog, so a
 * key is a dotted path checked by the compiler: `t("login.title")`), and how a
 * language is chosen from what a browser, a request or a terminal says.
 * Pure and isomorphic: the web app, the server and the CLI share it.
 */
import { type Flatten, flatten, type Template, type TemplateResolver, translator } from "@solid-primitives/i18n";
import { type Catalog, en } from "./en.ts";
import { es } from "./es.ts";
import { fillTemplate } from "./plural.ts";

export type { Catalog };

export const LOCALES = ["en", "es"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** Each language's name in that language, as a language picker offers it. */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: "English", es: "Español" };

export const catalogs: Record<Locale, Catalog> = { en, es };

export type FlatCatalog = Flatten<Catalog>;
/** A dotted key that names a string (not a namespace): "login.title", "errors.rateLimited". */
export type MessageKey = {
  [K in keyof FlatCatalog]: FlatCatalog[K] extends string | ((...args: never[]) => string) ? K : never;
}[keyof FlatCatalog];

/** A key whose text takes no arguments: `t(key)` alone is a string. */
export type PlainKey = {
  [K in keyof FlatCatalog]: FlatCatalog[K] extends Template<infer _>
    ? never
    : FlatCatalog[K] extends string
      ? K
      : never;
}[keyof FlatCatalog];

const flat: Record<Locale, FlatCatalog> = { en: flatten(en), es: flatten(es) };

/** `t(key, args)`: the catalog's text for `key`, its slots filled. */
export type Translate = ReturnType<typeof createTranslator>;

/**
 * A translator for `locale` (a function of no arguments, so a Solid signal makes it reactive).
 *
 * @example createTranslator(() => "es")("errors.roomNotFound", { room: "lobby" }) // "La sala «lobby» no existe."
 */
export function createTranslator(locale: () => Locale) {
  return translator(() => flat[locale()], fillTemplate as TemplateResolver);
}

/** Every key of a catalog, flattened to its dotted strings ("login.title"): for the completeness test. */
export function catalogKeys(catalog: Catalog): string[] {
  const keys: string[] = [];
  const walk = (node: object, path: string) => {
    for (const [key, value] of Object.entries(node)) {
      const at = path ? `${path}.${key}` : key;
      if (value && typeof value === "object") walk(value, at);
      else keys.push(at);
    }
  };
  walk(catalog, "");
  return keys;
}

/** A BCP 47 tag ("es-AR", "en_GB", "ES") as one of ours: every Spanish is "es", everything else null. */
export function localeOfTag(tag: string | null | undefined): Locale | null {
  const primary = tag?.trim().toLowerCase().split(/[-_.]/)[0];
  return primary && (LOCALES as readonly string[]).includes(primary) ? (primary as Locale) : null;
}

/** The browser's language: es* is Spanish, anything else English (`navigator.language`). */
export const localeOfBrowser = (language: string | null | undefined): Locale => localeOfTag(language) ?? DEFAULT_LOCALE;

/**
 * The best of ours for an `Accept-Language` header ("es-ES,es;q=0.9,en;q=0.8"):
 * the highest-weighted range we speak, English when none is (or no header).
 */
export function localeOfAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  let best: { locale: Locale; q: number } | null = null;
  for (const part of header.split(",").slice(0, 32)) {
    const [range, ...params] = part.trim().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    const locale = localeOfTag(range);
    if (locale && Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { locale, q };
  }
  return best?.locale ?? DEFAULT_LOCALE;
}

/**
 * The terminal's language, as gettext reads it: LC_ALL, then LC_MESSAGES, then
 * LANG (the first set wins); es_* is Spanish, anything else (C, POSIX, unset) English.
 */
export function localeOfEnvironment(env: Record<string, string | undefined>): Locale {
  const tag = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  return localeOfTag(tag) ?? DEFAULT_LOCALE;
}

/** English, for callers that have no reader's language (scripts' output, tests, defaults). */
export const english: Translate = createTranslator(() => DEFAULT_LOCALE);
