/**
 * A room on a phone (390 × 844): the room list is one tap away (the header's
 * Rooms button opens it as a drawer; Esc or a choice closes it), and what sits
 * above the timeline — the header with its search and account buttons, the
 * room's name, its members button, who is here — takes at most 120 px of the 844.
 * On a narrower phone (320 px, Spanish) the room's name wins its row over the
 * connection and the members button, and the empty composer is one line high.
 */
import { expect, test } from "@playwright/test";
import { apiUser, PASSWORD, sendFromPage, signUp, uniqueName } from "./support/app.ts";
import { axeViolations } from "./support/axe.ts";

test.use({ viewport: { width: 390, height: 844 } });

test("every room page reaches the room list in one tap, and the chrome above the timeline is at most 120 px high", async ({
  page,
  baseURL,
}) => {
  const [plans, garden] = [uniqueName("plans"), uniqueName("garden")];
  const bot = await apiUser(baseURL!);
  await bot.client.room.create.mutate({
    room: plans,
    visibility: "public",
    topic: "Where we plan the summer party, and who brings what",
  });
  await bot.send(plans, "welcome");
  await signUp(page, uniqueName("kim"), `/room/${garden}/`);
  await sendFromPage(page, "roses");
  await page.goto(`/room/${plans}/`);
  await sendFromPage(page, "count me in");
  await expect(page.locator("#presence-list .person")).not.toHaveCount(0);

  const timeline = await page.locator("#messages").boundingBox();
  expect(timeline!.y).toBeLessThanOrEqual(120);
  const search = page.getByRole("banner").getByRole("button", { name: "Search messages" });
  for (const [part, locator] of [
    ["search", search],
    ["account", page.getByRole("banner").getByRole("button", { name: "Account and theme" })],
    ...["#room-heading", ".members-button", "#presence-list"].map((css) => [css, page.locator(css)] as const),
  ] as const) {
    const box = await locator.boundingBox();
    expect(box, part).not.toBeNull();
    expect(box!.y + box!.height, part).toBeLessThanOrEqual(120);
  }
  // The search field opens over the header, not below it.
  await search.click();
  const field = await page.getByRole("searchbox", { name: "Search messages" }).boundingBox();
  expect(field!.y + field!.height).toBeLessThanOrEqual((await page.getByRole("banner").boundingBox())!.height);
  await page.keyboard.press("Escape");

  // One tap: the drawer with your rooms.
  const rooms = page.getByRole("button", { name: "Rooms" });
  await expect(rooms).toHaveAttribute("aria-expanded", "false");
  await rooms.click();
  const drawer = page.getByRole("navigation", { name: "Your rooms" });
  await expect(drawer).toBeInViewport();
  await expect(rooms).toHaveAttribute("aria-expanded", "true");
  expect(await axeViolations(page)).toEqual([]);
  await drawer.getByRole("link", { name: `#${garden}` }).click();
  await expect(page).toHaveURL(`/room/${garden}/`);
  await expect(drawer).not.toBeInViewport();

  // Esc closes it too, and gives the focus back to the button.
  await rooms.click();
  await expect(drawer).toBeInViewport();
  await page.keyboard.press("Escape");
  await expect(drawer).not.toBeInViewport();
  await expect(rooms).toBeFocused();
});

test("on a wide screen the rooms stay beside the page, with no drawer button", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const room = uniqueName("wide");
  await signUp(page, uniqueName("kim"), `/room/${room}/`);
  await sendFromPage(page, "hello");
  await expect(page.getByRole("navigation", { name: "Your rooms" })).toBeInViewport();
  await expect(page.getByRole("button", { name: "Rooms" })).toBeHidden();
});

test.describe("a room on a narrow phone (320 × 640), in Spanish, with a long name", () => {
  test.use({ viewport: { width: 320, height: 640 }, locale: "es-ES" });

  test("the room's name wins its row, the empty composer is one line high, and axe finds nothing", async ({ page }) => {
    const room = uniqueName("general-de-diseno");
    await page.goto(`/login?mode=signup&next=${encodeURIComponent(`/room/${room}/`)}`);
    await page.getByLabel("Nombre de usuario").fill(uniqueName("ana"));
    await page.getByLabel("Contraseña").fill(PASSWORD);
    await page.getByRole("button", { name: "Crear cuenta" }).click();
    await expect(page).toHaveURL(`/room/${room}/`);
    await sendFromPage(page, "hola");
    // The status keeps its words and the buttons their names, whatever shows of them.
    await expect(page.locator("#connection-status")).toHaveText("En directo");
    await expect(page.getByRole("button", { name: "Miembros (1)" })).toBeInViewport({ ratio: 1 });
    await expect(page.getByRole("button", { name: "Enviar" })).toBeInViewport({ ratio: 1 });

    // The title shows at least "#general" whole, and takes most of its row.
    const title = await page.locator("#room-heading").evaluate((h1) => {
      const canvas = document.createElement("canvas").getContext("2d")!;
      canvas.font = getComputedStyle(h1).font;
      return {
        shown: h1.getBoundingClientRect().width,
        general: canvas.measureText("#general").width,
        row: h1.closest(".room-header")!.getBoundingClientRect().width,
      };
    });
    expect(title.shown).toBeGreaterThanOrEqual(title.general);
    expect(title.shown / title.row).toBeGreaterThanOrEqual(0.6);

    // Empty, the box is one line: its line and its padding and border, not its placeholder wrapped.
    const input = page.locator("#messageInput");
    const oneLine = () =>
      input.evaluate((el) => {
        const s = getComputedStyle(el);
        const chrome = ["paddingTop", "paddingBottom", "borderTopWidth", "borderBottomWidth"].reduce(
          (sum, p) => sum + parseFloat(s[p as "paddingTop"]),
          0,
        );
        return { height: el.getBoundingClientRect().height, line: parseFloat(s.lineHeight), chrome };
      });
    const empty = await oneLine();
    expect(empty.height).toBeLessThanOrEqual(empty.line + empty.chrome + 2);
    expect(await axeViolations(page)).toEqual([]);
    // It still grows with what is typed.
    await input.fill("una\ndos\ntres");
    expect((await oneLine()).height).toBeGreaterThan(empty.line * 3);
  });
});

test("a wide screen keeps the words: the connection, Members (n) and Send", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signUp(page, uniqueName("kim"), `/room/${uniqueName("general-de-diseno")}/`);
  await sendFromPage(page, "hello");
  for (const words of [
    "#connection-status .connection-label",
    ".members-button .members-label",
    "#sendBtn .send-text",
  ]) {
    const box = await page.locator(words).boundingBox();
    expect(box!.width, words).toBeGreaterThan(20);
  }
  await expect(page.locator(".members-button .members-count")).toBeHidden();
  await expect(page.locator("#sendBtn .icon")).toBeHidden();
});
