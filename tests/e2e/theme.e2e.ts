/**
 * The theme switch: light, dark or the system's, remembered on the device and
 * applied before the first paint (a reader who chose dark never sees a light
 * frame), reachable by keyboard from the header at desktop and phone sizes
 * (on a phone it is in the header's menu: Tab to its button, Enter, Tab).
 */
import { expect, type Page, test } from "@playwright/test";

const LIGHT_BG = "rgb(247, 247, 245)";
const DARK_BG = "rgb(23, 24, 26)";

const background = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
const themeSwitch = (page: Page) => page.getByRole("combobox", { name: "Theme" });
/** The header's menu button: shown on phones only, where the switch is inside the menu. */
const menuButton = (page: Page) => page.locator("#account-menu-button");

/** Brings the switch into sight: on a phone, opens the header's menu (a no-op on a wide screen). */
async function showThemeSwitch(page: Page) {
  await menuButton(page).waitFor({ state: "attached" });
  if ((await menuButton(page).isVisible()) && (await menuButton(page).getAttribute("aria-expanded")) === "false")
    await menuButton(page).click();
  return themeSwitch(page);
}

for (const [device, viewport] of [
  ["desktop", { width: 1280, height: 800 }],
  ["phone", { width: 390, height: 844 }],
] as const) {
  test.describe(`the theme switch (${device})`, () => {
    test.use({ viewport });

    test("with no choice made, the page follows the system's scheme", async ({ page }) => {
      await page.emulateMedia({ colorScheme: "dark" });
      await page.goto("/");
      await expect(await showThemeSwitch(page)).toHaveValue("system");
      expect(await background(page)).toBe(DARK_BG);
      await page.emulateMedia({ colorScheme: "light" });
      expect(await background(page)).toBe(LIGHT_BG);
    });

    test("the keyboard reaches the switch and picks dark over a light system; it is remembered across a reload", async ({
      page,
    }) => {
      await page.emulateMedia({ colorScheme: "light" });
      await page.goto("/login");
      await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
      // Tab from the top of the page: skip link, brand, then the switch (on a phone: the menu's button, Enter, the switch).
      const focused = (el: Element) => el === document.activeElement;
      for (let i = 0; i < 10 && !(await page.locator("#theme").evaluate(focused)); i++) {
        const onClosedMenu = await menuButton(page).evaluate(
          (el) => el === document.activeElement && el.getAttribute("aria-expanded") === "false",
        );
        await page.keyboard.press(onClosedMenu ? "Enter" : "Tab");
      }
      await expect(themeSwitch(page)).toBeFocused();
      // Arrow keys change a closed select's value in Chromium on Linux and Windows; the value is what counts.
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      await expect(themeSwitch(page)).toHaveValue("dark");
      expect(await background(page)).toBe(DARK_BG);
      await page.reload();
      await expect(await showThemeSwitch(page)).toHaveValue("dark");
      expect(await background(page)).toBe(DARK_BG);
      // Back to the system's: the light system shows again.
      await themeSwitch(page).selectOption("system");
      expect(await background(page)).toBe(LIGHT_BG);
      await page.reload();
      await expect(await showThemeSwitch(page)).toHaveValue("system");
    });

    test("a stored choice is on the page at its first frame: no flash of the system's theme", async ({ page }) => {
      await page.emulateMedia({ colorScheme: "light" });
      await page.goto("/login");
      await (await showThemeSwitch(page)).selectOption("dark");
      // Before any of the page's scripts: note the theme and background of the first frame drawn.
      await page.addInitScript(() => {
        const w = window as unknown as { firstFrame?: { theme: string | undefined; background: string } };
        requestAnimationFrame(() => {
          w.firstFrame = {
            theme: document.documentElement.dataset.theme,
            background: getComputedStyle(document.documentElement).backgroundColor,
          };
        });
      });
      await page.reload();
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { firstFrame?: unknown }).firstFrame))
        .toEqual({ theme: "dark", background: DARK_BG });
    });

    test("a choice made in another tab applies here too", async ({ page, context }) => {
      await page.emulateMedia({ colorScheme: "light" });
      await page.goto("/");
      const other = await context.newPage();
      await other.goto("/");
      await (await showThemeSwitch(other)).selectOption("dark");
      await expect(await showThemeSwitch(page)).toHaveValue("dark");
      expect(await background(page)).toBe(DARK_BG);
    });
  });
}
