import { expect, test } from "@playwright/test";
import { apiUser, uniqueName } from "./support/app.ts";

test.describe("index page", () => {
  test("asks which room to join, and Enter leads to that room", async ({ page }) => {
    const room = uniqueName("room");
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Which room would you like to join?" })).toBeVisible();
    await page.locator("#room-name-input").fill(room);
    await page.locator("#room-name-input").press("Enter");
    await expect(page).toHaveURL(`/room/${room}/`);
    await expect(page.getByRole("heading", { name: `#${room}` })).toBeVisible();
    await expect(page.locator("#messages")).toContainText("No messages yet");
  });

  test("explains an invalid room name inline and stays on the page", async ({ page }) => {
    await page.goto("/");
    await page.locator("#room-name-input").fill("no spaces/please");
    await page.locator("#room-name-submit").click();
    await expect(page.getByRole("alert")).toHaveText("A room name may contain only letters, digits, '-', '_' and '.'.");
    await expect(page.locator("#room-name-input")).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL("/");
    await page.locator("#room-name-input").fill("");
    await page.locator("#room-name-input").press("Enter");
    await expect(page.getByRole("alert")).toHaveText("A room name cannot be empty.");
    await expect(page).toHaveURL("/");
  });

  test("lists recently active rooms as links", async ({ page, baseURL }) => {
    const room = uniqueName("busy");
    const bot = await apiUser(baseURL!);
    await bot.send(room, "anyone here?");
    await page.goto("/");
    const link = page.getByRole("link", { name: `#${room}` });
    await expect(link).toBeVisible();
    await link.click();
    await expect(page).toHaveURL(`/room/${room}/`);
    await expect(page.locator("#messages")).toContainText("anyone here?");
  });

  test("the tutorial's /chat/<room>/ path and a reload both land on the room page", async ({ page }) => {
    const room = uniqueName("old");
    await page.goto(`/chat/${room}/`);
    await expect(page).toHaveURL(`/room/${room}/`);
    await expect(page.getByRole("heading", { name: `#${room}` })).toBeVisible();
    await page.reload();
    await expect(page.getByRole("heading", { name: `#${room}` })).toBeVisible();
  });
});
