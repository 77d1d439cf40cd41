import { createSignal, For } from "solid-js";
import { LANGUAGE_NAMES, LOCALES, localeOfBrowser, localeOfTag } from "../../../shared/i18n/index.ts";
import { errorMessage } from "../lib/api.ts";
import { useLocale } from "../lib/locale.ts";
import { useSession } from "../lib/session.ts";

/**
 * Parlor's language: the browser's, or one chosen. The choice applies at once,
 * is kept in this browser, and for a signed-in user on the server too.
 */
export function LanguagePicker() {
  const locale = useLocale();
  const session = useSession();
  const t = locale.t;
  const [error, setError] = createSignal<string | null>(null);
  /** The account has the choice: said once the server stored it (leaving before then may not keep it there). */
  const [saved, setSaved] = createSignal(false);
  const browser = () => LANGUAGE_NAMES[localeOfBrowser(navigator.language)];

  async function change(value: string) {
    setError(null);
    setSaved(false);
    try {
      await locale.choose(localeOfTag(value));
      setSaved(Boolean(session.user()));
    } catch (e) {
      setError(errorMessage(e, t));
    }
  }

  return (
    <section class="language-picker" aria-labelledby="language-heading">
      <h2 id="language-heading">{t("account.languageHeading")}</h2>
      <label for="language">{t("account.languageLabel")}</label>
      <select id="language" aria-describedby="language-help" onChange={(e) => void change(e.currentTarget.value)}>
        <option value="" selected={locale.choice() === null}>
          {t("account.languageBrowser", { language: browser() })}
        </option>
        <For each={LOCALES}>
          {(l) => (
            <option value={l} lang={l} selected={locale.choice() === l}>
              {LANGUAGE_NAMES[l]}
            </option>
          )}
        </For>
      </select>
      <p id="language-help" class="hint">
        {session.user() ? t("account.languageHelp") : t("account.languageHelpGuest")}
      </p>
      <p class="hint" role="status">
        {saved() ? t("account.languageSaved") : ""}
      </p>
      <p class="error" role="alert">
        {error() ?? ""}
      </p>
    </section>
  );
}
