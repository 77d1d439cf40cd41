import { describe, expect, test } from "bun:test";
import {
  applyTheme,
  createThemePreference,
  readThemeChoice,
  THEME_KEY,
  type ThemeStorage,
} from "../../client/app/lib/theme.ts";

const memoryStorage = (initial: Record<string, string> = {}): ThemeStorage & { data: Map<string, string> } => {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
};
const root = () => ({ dataset: {} as DOMStringMap });

describe("readThemeChoice", () => {
  test("is the stored choice; system when nothing, something else, or no storage at all", () => {
    expect(readThemeChoice(memoryStorage({ [THEME_KEY]: "dark" }))).toBe("dark");
    expect(readThemeChoice(memoryStorage({ [THEME_KEY]: "light" }))).toBe("light");
    expect(readThemeChoice(memoryStorage())).toBe("system");
    expect(readThemeChoice(memoryStorage({ [THEME_KEY]: "purple" }))).toBe("system");
    expect(readThemeChoice(null)).toBe("system");
  });

  test("a storage that throws (disabled) reads as system", () => {
    const refusing: ThemeStorage = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {},
    };
    expect(readThemeChoice(refusing)).toBe("system");
  });
});

describe("applyTheme", () => {
  test("light and dark set data-theme; system removes it, so the system's scheme applies", () => {
    const r = root();
    applyTheme(r, "dark");
    expect(r.dataset.theme).toBe("dark");
    applyTheme(r, "light");
    expect(r.dataset.theme).toBe("light");
    applyTheme(r, "system");
    expect("theme" in r.dataset).toBe(false);
  });
});

describe("createThemePreference", () => {
  test("starts from the stored choice and shows it; a new choice is shown and remembered", () => {
    const storage = memoryStorage({ [THEME_KEY]: "dark" });
    const r = root();
    const theme = createThemePreference({ storage, root: r });
    expect(theme.choice()).toBe("dark");
    expect(r.dataset.theme).toBe("dark");
    theme.set("light");
    expect(theme.choice()).toBe("light");
    expect(r.dataset.theme).toBe("light");
    expect(storage.data.get(THEME_KEY)).toBe("light");
    // The next page load reads it back.
    expect(createThemePreference({ storage, root: root() }).choice()).toBe("light");
  });

  test("a storage that refuses to write keeps the choice for this page", () => {
    const storage: ThemeStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    };
    const r = root();
    const theme = createThemePreference({ storage, root: r });
    theme.set("dark");
    expect(theme.choice()).toBe("dark");
    expect(r.dataset.theme).toBe("dark");
  });

  test("another tab's choice applies here too, until disposed", () => {
    const storage = memoryStorage();
    const events = new EventTarget();
    const r = root();
    const theme = createThemePreference({ storage, root: r, events });
    storage.data.set(THEME_KEY, "dark");
    events.dispatchEvent(Object.assign(new Event("storage"), { key: THEME_KEY }));
    expect(theme.choice()).toBe("dark");
    expect(r.dataset.theme).toBe("dark");
    theme.dispose();
    storage.data.set(THEME_KEY, "light");
    events.dispatchEvent(Object.assign(new Event("storage"), { key: THEME_KEY }));
    expect(theme.choice()).toBe("dark");
  });
});
