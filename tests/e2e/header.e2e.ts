/**
 * The header on a phone, in Spanish (the longer words): at 320 and 390 px every
 * control of it shows whole — no text cut short, nothing past the screen's
 * edge, no two controls on top of each other — closed, with the account menu
 * open and with the search field open; each is reached by the keyboard, and
 * axe finds nothing. The wide screen keeps its one row of named controls.
 */
import { expect, type Page, test } from "@playwright/test";
import { PASSWORD, sendFromPage, signUp, uniqueName } from "./support/app.ts";
import { axeViolations } from "./support/axe.ts";

/**
 * What is wrong with the header's visible controls, in words (expected: none).
 * Text is measured with the control's own font: a select must hold its chosen
 * option and its arrow, a field its placeholder, a button or link its text.
 */
function clippedControls(page: Page) {
  return page.evaluate(() => {
    const problems: string[] = [];
    const canvas = document.createElement("canvas").getContext("2d")!;
    const textWidth = (el: Element, text: string) => {
      canvas.font = getComputedStyle(el).font;
      return canvas.measureText(text).width;
    };
    const inner = (el: Element) => {
      const s = getComputedStyle(el);
      return (
        el.getBoundingClientRect().width -
        ["paddingLeft", "paddingRight", "borderLeftWidth", "borderRightWidth"].reduce(
          (sum, p) => sum + parseFloat(s[p as "paddingLeft"]),
          0,
        )
      );
    };
    const controls = [...document.querySelectorAll<HTMLElement>(".site-header :is(a, button, select, input)")].filter(
      (el) => el.checkVisibility({ visibilityProperty: true }) && el.getBoundingClientRect().width > 1,
    );
    const text = (el: HTMLElement) =>
      el instanceof HTMLSelectElement
        ? el.selectedOptions[0]?.text
        : el.textContent?.trim() || (el as HTMLInputElement).placeholder || el.getAttribute("aria-label");
    const name = (el: HTMLElement) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${text(el) ?? ""}"`;
    for (const el of controls) {
      const box = el.getBoundingClientRect();
      if (box.left < 0 || box.right > innerWidth + 0.5) problems.push(`${name(el)} goes past the screen's edge`);
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== "inline")
        problems.push(`${name(el)} overflows itself`);
      if (el instanceof HTMLSelectElement) {
        // The chosen option's text, and room for the arrow (about 20 px).
        const need = textWidth(el, el.selectedOptions[0]?.text ?? "") + 20;
        if (need > inner(el) + 1)
          problems.push(`${name(el)} cuts its option (${Math.round(need)} > ${Math.round(inner(el))})`);
      }
      if (el instanceof HTMLInputElement && el.placeholder) {
        const need = textWidth(el, el.placeholder);
        if (need > inner(el) + 1) problems.push(`${name(el)} cuts its placeholder`);
      }
    }
    // Overlap: any two visible controls whose boxes share more than a pixel (one inside the other is nesting, not overlap).
    for (const [i, a] of controls.entries())
      for (const b of controls.slice(i + 1)) {
        if (a.contains(b) || b.contains(a)) continue;
        const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
        const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (w > 1 && h > 1) problems.push(`${name(a)} overlaps ${name(b)}`);
      }
    return problems;
  });
}

for (const width of [320, 390]) {
  test.describe(`the header at ${width} px, in Spanish`, () => {
    test.use({ viewport: { width, height: width === 320 ? 640 : 844 }, locale: "es-ES" });

    test("every control shows whole, closed and open, is reached by the keyboard, and axe finds nothing", async ({
      page,
    }) => {
      const [me, room] = [uniqueName("ana"), `/room/${uniqueName("plaza")}/`];
      await page.goto(`/login?mode=signup&next=${encodeURIComponent(room)}`);
      await page.getByLabel("Nombre de usuario").fill(me);
      await page.getByLabel("Contraseña").fill(PASSWORD);
      await page.getByRole("button", { name: "Crear cuenta" }).click();
      await expect(page).toHaveURL(room);
      await expect(page.locator("html")).toHaveAttribute("lang", "es");
      await sendFromPage(page, "hola");
      const header = page.getByRole("banner");

      expect(await clippedControls(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);

      // The account menu: its button is named, Tab walks into it, Esc closes it and gives the focus back.
      const menuButton = header.getByRole("button", { name: "Cuenta y tema" });
      await expect(menuButton).toHaveAttribute("aria-expanded", "false");
      await menuButton.focus();
      await page.keyboard.press("Enter");
      await expect(menuButton).toHaveAttribute("aria-expanded", "true");
      const theme = header.getByRole("combobox", { name: "Tema" });
      await expect(theme).toBeInViewport({ ratio: 1 });
      await expect(header.getByRole("navigation", { name: "Cuenta" })).toContainText(`Sesión iniciada como ${me}`);
      await expect(header.getByRole("link", { name: "Cuenta", exact: true })).toBeInViewport({ ratio: 1 });
      await expect(header.getByRole("button", { name: "Cerrar sesión" })).toBeInViewport({ ratio: 1 });
      await page.keyboard.press("Tab");
      await expect(theme).toBeFocused();
      expect(await clippedControls(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press("Escape");
      await expect(theme).toBeHidden();
      await expect(menuButton).toBeFocused();

      // The search: a named button opens the field over the header, with the focus in it; Esc folds it back.
      const searchButton = header.getByRole("button", { name: "Buscar mensajes" });
      await searchButton.click();
      const field = header.getByRole("searchbox", { name: "Buscar mensajes" });
      await expect(field).toBeFocused();
      await expect(field).toBeInViewport({ ratio: 1 });
      await expect(header.getByRole("button", { name: "Buscar", exact: true })).toBeInViewport({ ratio: 1 });
      expect(await clippedControls(page)).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press("Escape");
      await expect(field).toBeHidden();
      await expect(searchButton).toBeFocused();
    });
  });
}

test("a guest's phone header: Sign in stays in sight, the theme is one tap away, a press outside closes it", async ({
  page,
}) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto("/");
  const account = page.getByRole("navigation", { name: "Account" });
  await expect(account.getByRole("link", { name: "Sign in" })).toBeInViewport({ ratio: 1 });
  const appearance = account.getByRole("button", { name: "Appearance" });
  await appearance.click();
  const theme = account.getByRole("combobox", { name: "Theme" });
  await expect(theme).toBeInViewport({ ratio: 1 });
  expect(await clippedControls(page)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);
  // A press outside closes it; so does Tab past its last control.
  await page.mouse.click(160, 500);
  await expect(theme).toBeHidden();
  await expect(appearance).toHaveAttribute("aria-expanded", "false");
  await appearance.click();
  await theme.focus();
  await page.keyboard.press("Tab");
  await expect(theme).toBeHidden();
});

test("a wide screen keeps the search field, the theme and the account links in one row, with no menu buttons", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signUp(page, uniqueName("ana"), `/room/${uniqueName("plaza")}/`);
  const header = page.getByRole("banner");
  for (const control of [
    header.getByRole("searchbox", { name: "Search messages" }),
    header.getByRole("button", { name: "Search", exact: true }),
    header.getByRole("combobox", { name: "Theme" }),
    header.getByRole("link", { name: "Account" }),
    header.getByRole("button", { name: "Sign out" }),
  ])
    await expect(control).toBeInViewport({ ratio: 1 });
  await expect(header.getByRole("button", { name: "Account and theme" })).toBeHidden();
  await expect(header.getByRole("button", { name: "Search messages" })).toBeHidden();
  // One row: every control's middle within a few pixels of the others'.
  const middles = await header
    .locator(":is(a, button, select, input):visible")
    .evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).map((box) => (box.top + box.bottom) / 2));
  expect(Math.max(...middles) - Math.min(...middles)).toBeLessThan(8);
  expect(await clippedControls(page)).toEqual([]);
});
