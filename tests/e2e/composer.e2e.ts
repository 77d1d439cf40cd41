/**
 * The composer and the timeline as a person uses them: several lines in one
 * message, links that are links (and nothing else turned into markup), one
 * sender's consecutive messages grouped under one name, a divider for the
 * day, and `@` completing the names of the people in the room.
 */
import { type Browser, expect, type Page, test } from "@playwright/test";
import { apiUser, openRoom, sendFromPage, shownTexts, signUp, uniqueName } from "./support/app.ts";

/** A second person, signed in in a browser of their own, in the room. */
async function joinAs(browser: Browser, baseURL: string, username: string, room: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signUp(page, username, `/room/${room}/`);
  await expect(page.locator("#connection-status")).toHaveText("Live");
  return page;
}

test.describe("the composer", () => {
  test("Shift+Enter starts a new line, Enter sends the lines as one message", async ({ page }) => {
    const room = uniqueName("lines");
    await signUp(page, uniqueName("ann"), `/room/${room}/`);
    const input = page.locator("#messageInput");
    await input.pressSequentially("first line");
    await input.press("Shift+Enter");
    await input.pressSequentially("second line");
    await expect(input).toHaveValue("first line\nsecond line");
    await input.press("Enter");
    await expect(input).toHaveValue("");
    await expect.poll(() => shownTexts(page)).toEqual(["first line\nsecond line"]);
  });

  test("an https address is a link opening in a new tab with rel=noopener noreferrer nofollow; markup and javascript: stay text", async ({
    page,
  }) => {
    const room = uniqueName("links");
    await signUp(page, uniqueName("ann"), `/room/${room}/`);
    await sendFromPage(page, "docs at https://example.com/docs?a=1. <b>not bold</b> javascript:alert(1)");
    const message = page.locator("#messages .message").last();
    const link = message.locator(".text a");
    await expect(link).toHaveCount(1);
    await expect(link).toHaveText("https://example.com/docs?a=1");
    await expect(link).toHaveAttribute("href", "https://example.com/docs?a=1");
    await expect(link).toHaveAttribute("rel", "noopener noreferrer nofollow");
    await expect(link).toHaveAttribute("target", "_blank");
    await expect(message.locator(".text b")).toHaveCount(0);
    await expect(message.locator(".text")).toHaveText(
      "docs at https://example.com/docs?a=1. <b>not bold</b> javascript:alert(1)",
    );
  });

  test("one sender's consecutive messages are one group under one name; another sender starts a new group; the day has a divider", async ({
    page,
    baseURL,
  }) => {
    const room = uniqueName("groups");
    const ann = uniqueName("ann");
    const bob = await apiUser(baseURL!);
    await signUp(page, ann, `/room/${room}/`);
    await sendFromPage(page, "one");
    await sendFromPage(page, "two");
    await bob.send(room, "from bob");
    await expect.poll(() => shownTexts(page)).toEqual(["one", "two", "from bob"]);
    await sendFromPage(page, "three");

    const messages = page.locator("#messages .message");
    await expect(messages).toHaveClass([/^(?!.*continued)/, /continued/, /^(?!.*continued)/, /^(?!.*continued)/]);
    // The names a sighted reader sees: ann, bob, ann (the second "ann" message shows no header of its own).
    const headerHeights = await messages
      .locator(".message-meta")
      .evaluateAll((headers) => headers.map((h) => h.getBoundingClientRect().height));
    expect(headerHeights.map((h) => h > 1)).toEqual([true, false, true, true]);
    // A grouped message still tells a screen reader who sent it.
    await expect(messages.nth(1).locator(".sender")).toHaveText(ann);

    const dividers = page.locator("#messages .day-divider");
    await expect(dividers).toHaveCount(1);
    await expect(dividers).toHaveText("Today");
    await expect(page.locator(".day-divider").filter({ hasText: "Today" })).toBeVisible();
    // The divider sits above the first message of the day.
    const [dividerBox, firstBox] = await Promise.all([dividers.boundingBox(), messages.first().boundingBox()]);
    expect(dividerBox!.y).toBeLessThan(firstBox!.y);
  });

  test("@ lists the people in the room; ↓ and Enter pick one, Esc closes the list", async ({
    page,
    browser,
    baseURL,
  }) => {
    const room = uniqueName("mention");
    const ann = uniqueName("ann");
    const pal1 = uniqueName("pal");
    const pal2 = uniqueName("pal");
    const others = [await joinAs(browser, baseURL!, pal1, room), await joinAs(browser, baseURL!, pal2, room)];
    try {
      await signUp(page, ann, `/room/${room}/`);
      await expect(page.locator("#connection-status")).toHaveText("Live");
      const input = page.locator("#messageInput");
      await input.pressSequentially("hi @pal_");
      const list = page.getByRole("listbox", { name: "People to mention" });
      await expect(list).toBeVisible();
      const sorted = [pal1, pal2].sort((a, b) => a.localeCompare(b));
      await expect(list.getByRole("option")).toHaveText(sorted.map((n) => `@${n}`));
      await expect(input).toHaveAttribute("aria-activedescendant", "mention-option-0");

      await input.press("Escape");
      await expect(list).toBeHidden();
      await input.pressSequentially("");
      await input.press("Backspace");
      await input.pressSequentially("_");
      await expect(list).toBeVisible();
      await input.press("ArrowDown");
      await expect(list.getByRole("option", { selected: true })).toHaveText(`@${sorted[1]}`);
      await input.press("Enter");
      await expect(list).toBeHidden();
      await expect(input).toHaveValue(`hi @${sorted[1]} `);
      // Enter picked the name; it did not send.
      await expect.poll(() => shownTexts(page)).toEqual([]);

      await input.pressSequentially("and @");
      await expect(list.getByRole("option")).toHaveCount(2);
      await input.press("Tab");
      await expect(input).toHaveValue(`hi @${sorted[1]} and @${sorted[0]} `);
      await input.press("Enter");
      await expect.poll(() => shownTexts(page)).toEqual([`hi @${sorted[1]} and @${sorted[0]}`]);
    } finally {
      await Promise.all(others.map((p) => p.context().close()));
    }
  });

  test("a guest reads the same timeline (links, groups) with no composer", async ({ page, baseURL }) => {
    const room = uniqueName("guest");
    const bot = await apiUser(baseURL!);
    await bot.send(room, "see https://example.org");
    await bot.send(room, "and more");
    await openRoom(page, room);
    await expect(page.locator("#messages .message .text a")).toHaveAttribute("href", "https://example.org/");
    await expect(page.locator("#messages .message").nth(1)).toHaveClass(/continued/);
    await expect(page.locator("#messageInput")).toHaveCount(0);
  });
});
