/**
 * The reader's theme: light, dark, or the system's (the default), remembered
 * in localStorage on this device. The choice becomes `data-theme` on <html>,
 * which sets the root's color-scheme; the stylesheet's colours are
 * light-dark() pairs, so "system" needs no script at all (prefers-color-scheme
 * decides). theme-boot.ts applies the stored choice before the app renders;
 * the header's switch changes it; another tab's change applies here too.
 */
import { createSignal } from "solid-js";

export const THEME_CHOICES = ["system", "light", "dark"] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

/** Where the choice is kept. Not per user: a device's reader picks it, signed in or not. */
export const THEME_KEY = "parlor.theme";

/** The part of the Web Storage API the theme needs (localStorage fits; tests pass their own). */
export interface ThemeStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The root element's part the theme writes: `data-theme`. */
export interface ThemeRoot {
  dataset: DOMStringMap;
}

const isChoice = (value: unknown): value is ThemeChoice => THEME_CHOICES.includes(value as ThemeChoice);

/** The stored choice; "system" when none is stored, storage is unavailable, or what is stored is not a choice. */
export function readThemeChoice(storage: ThemeStorage | null): ThemeChoice {
  try {
    const stored = storage?.getItem(THEME_KEY);
    return isChoice(stored) ? stored : "system";
  } catch {
    return "system";
  }
}

/** Shows `choice` on the page: "system" removes the attribute, so the system's scheme applies. */
export function applyTheme(root: ThemeRoot, choice: ThemeChoice): void {
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}

export interface ThemePreferenceOptions {
  storage: ThemeStorage | null;
  root: ThemeRoot;
  /** Where another tab's change is heard (the window's "storage" events); none in tests that do not need it. */
  events?: Pick<EventTarget, "addEventListener" | "removeEventListener">;
}

/** The theme choice as a signal: `set` applies it and remembers it; `dispose` stops listening to other tabs. */
export function createThemePreference({ storage, root, events }: ThemePreferenceOptions) {
  const [choice, setChoice] = createSignal<ThemeChoice>(readThemeChoice(storage));
  applyTheme(root, choice());

  function set(next: ThemeChoice) {
    setChoice(next);
    applyTheme(root, next);
    try {
      storage?.setItem(THEME_KEY, next);
    } catch {
      // Storage refused (full, or disabled): the choice holds for this page only.
    }
  }

  const onStorage = (event: Event) => {
    const { key } = event as StorageEvent;
    if (key !== THEME_KEY && key !== null) return;
    const next = readThemeChoice(storage);
    setChoice(next);
    applyTheme(root, next);
  };
  events?.addEventListener("storage", onStorage);

  return { choice, set, dispose: () => events?.removeEventListener("storage", onStorage) };
}
export type ThemePreference = ReturnType<typeof createThemePreference>;
