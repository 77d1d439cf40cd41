/** Which language a browser tag, an Accept-Language header or a terminal's environment asks for. */
import { describe, expect, test } from "bun:test";
import { localeOfAcceptLanguage, localeOfBrowser, localeOfEnvironment } from "../../shared/i18n/index.ts";
import { parseRich } from "../../shared/i18n/rich.ts";

describe("choosing the language", () => {
  test("the browser's language: every Spanish is Spanish, anything else English", () => {
    expect(localeOfBrowser("es-ES")).toBe("es");
    expect(localeOfBrowser("es-419")).toBe("es");
    expect(localeOfBrowser("ES")).toBe("es");
    expect(localeOfBrowser("en-GB")).toBe("en");
    expect(localeOfBrowser("fr-FR")).toBe("en");
    expect(localeOfBrowser(undefined)).toBe("en");
  });

  test("Accept-Language: the highest-weighted language Parlor speaks", () => {
    expect(localeOfAcceptLanguage("es-ES,es;q=0.9,en;q=0.8")).toBe("es");
    expect(localeOfAcceptLanguage("fr-FR,fr;q=0.9,es;q=0.8,en;q=0.5")).toBe("es");
    expect(localeOfAcceptLanguage("en-US,es;q=0.9")).toBe("en");
    expect(localeOfAcceptLanguage("es;q=0")).toBe("en");
    expect(localeOfAcceptLanguage("de")).toBe("en");
    expect(localeOfAcceptLanguage(null)).toBe("en");
  });

  test("the terminal: LC_ALL, then LC_MESSAGES, then LANG", () => {
    expect(localeOfEnvironment({ LANG: "es_ES.UTF-8" })).toBe("es");
    expect(localeOfEnvironment({ LANG: "es_MX" })).toBe("es");
    expect(localeOfEnvironment({ LC_ALL: "C", LANG: "es_ES.UTF-8" })).toBe("en");
    expect(localeOfEnvironment({ LC_ALL: "", LC_MESSAGES: "es_AR.UTF-8", LANG: "en_US.UTF-8" })).toBe("es");
    expect(localeOfEnvironment({ LANG: "C.UTF-8" })).toBe("en");
    expect(localeOfEnvironment({})).toBe("en");
  });
});

describe("rich texts", () => {
  test("tags become slots, self-closing ones without words; other '<' stays text", () => {
    expect(parseRich("Signed in as <name/>. <continue>Continue</continue>, or …")).toEqual([
      { kind: "text", text: "Signed in as " },
      { kind: "slot", name: "name", text: null },
      { kind: "text", text: ". " },
      { kind: "slot", name: "continue", text: "Continue" },
      { kind: "text", text: ", or …" },
    ]);
    expect(parseRich("a < b <i>unclosed")).toEqual([{ kind: "text", text: "a < b <i>unclosed" }]);
  });
});
