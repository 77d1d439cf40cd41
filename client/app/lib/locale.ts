/**
 * The language the web app speaks, and the translator for it. In order: the
 * signed-in user's choice (kept on the server: it follows them to another
 * device), else this browser's choice (localStorage, for guests too), else the
 * browser's own language (`navigator.language`: es* is Spanish, else English).
 * A choice applies at once (every `t(…)` is reactive) and `<html lang>` follows.
 */
import { createContext, createEffect, createMemo, createSignal, on, useContext } from "solid-js";
import {
  createTranslator,
  type Locale,
  localeOfBrowser,
  localeOfTag,
  type Translate,
} from "../../../shared/i18n/index.ts";
import type { KeyValueStorage } from "./outbox.ts";

const KEY = "parlor.language.v1";

/** The language chosen in this browser, or null when none was (or storage is unavailable). */
export function storedLocale(storage: KeyValueStorage | null): Locale | null {
  try {
    return localeOfTag(storage?.getItem(KEY));
  } catch {
    return null;
  }
}

function storeLocale(storage: KeyValueStorage | null, locale: Locale | null): void {
  try {
    if (locale) storage?.setItem(KEY, locale);
    else storage?.removeItem(KEY);
  } catch {
    // Storage refused (full, or disabled): the choice lasts until the page is closed.
  }
}

/** Which language wins: the account's choice, else this browser's choice, else the browser's language. */
export const activeLocale = (
  account: Locale | null | undefined,
  stored: Locale | null,
  browserLanguage: string | undefined,
): Locale => account ?? stored ?? localeOfBrowser(browserLanguage);

export interface LocaleOptions {
  storage: KeyValueStorage | null;
  /** `navigator.language`. */
  browserLanguage: () => string | undefined;
  /** The signed-in user's saved choice; undefined while nobody is signed in (or not known yet). */
  accountLanguage: () => Locale | null | undefined;
  /** Saves a signed-in user's choice on the server (`me.setLanguage`). */
  saveForAccount: (locale: Locale | null) => Promise<unknown>;
  /** Where `lang` is set: the page's `<html>`. */
  root?: { lang: string } | null;
}

export function createLocale({
  storage,
  browserLanguage,
  accountLanguage,
  saveForAccount,
  root = null,
}: LocaleOptions) {
  const [stored, setStored] = createSignal(storedLocale(storage));
  // The account's choice as last heard: from the server on sign-in, or from this page when it chooses.
  const [account, setAccount] = createSignal<Locale | null | undefined>(accountLanguage());
  createEffect(on(accountLanguage, (language) => setAccount(language), { defer: true }));
  const locale = createMemo(() => activeLocale(account(), stored(), browserLanguage()));
  if (root) createEffect(() => (root.lang = locale()));
  return {
    /** The language in force. */
    locale,
    t: createTranslator(locale),
    /** What was chosen (null: the browser's language). */
    choice: (): Locale | null => account() ?? stored(),
    /** Switches now; remembered in this browser and, when signed in, on the server. */
    async choose(next: Locale | null): Promise<void> {
      setStored(next);
      storeLocale(storage, next);
      if (account() === undefined) return;
      setAccount(next);
      await saveForAccount(next);
    },
  };
}

export type LocaleState = ReturnType<typeof createLocale>;

export const LocaleContext = createContext<LocaleState>();

export function useLocale(): LocaleState {
  const locale = useContext(LocaleContext);
  if (!locale) throw new Error("useLocale() outside <LocaleContext.Provider>");
  return locale;
}

/** The translator of the page's language: `const t = useT(); t("login.title")`. */
export const useT = (): Translate => useLocale().t;
