/**
 * A room on a phone (390 × 844): the room list is one tap away (the header's
 * Rooms button opens it as a drawer; Esc or a choice closes it), and what sits
 * above the timeline — the header with its search and account buttons, the
 * room's name, its members button, who is here — takes at most 120 px of the 844.
 */
import { expect, test } from "@playwright/test";
import { apiUser, sendFromPage, signUp, uniqueName } from "./support/app.ts";
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
