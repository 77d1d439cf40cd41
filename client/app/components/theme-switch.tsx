import { For, onCleanup } from "solid-js";
import { browserStorage } from "../lib/known-user.ts";
import { useT } from "../lib/locale.ts";
import { createThemePreference, THEME_CHOICES, type ThemeChoice } from "../lib/theme.ts";

const CHOICE_KEYS = { system: "shell.themeSystem", light: "shell.themeLight", dark: "shell.themeDark" } as const;

/** Light, dark or the system's: a native select in the header, so every key works as the platform's own. */
export function ThemeSwitch() {
  const t = useT();
  const theme = createThemePreference({ storage: browserStorage(), root: document.documentElement, events: window });
  onCleanup(theme.dispose);
  return (
    <label class="theme-switch">
      <span class="visually-hidden">{t("shell.theme")}</span>
      <select id="theme" value={theme.choice()} onChange={(e) => theme.set(e.currentTarget.value as ThemeChoice)}>
        <For each={THEME_CHOICES}>{(choice) => <option value={choice}>{t(CHOICE_KEYS[choice])}</option>}</For>
      </select>
    </label>
  );
}
