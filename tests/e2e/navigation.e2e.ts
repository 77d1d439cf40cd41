/**
 * Finding your way by keyboard and by name: one canonical address per room, the
 * header's one search, the timeline as a feed (one Tab stop), the quick switcher
 * (Ctrl+K), Alt+↑/↓ between rooms, Esc giving the focus back. Keyboard only where
 * it applies; at desktop and phone sizes.
 */
import { expect, type Page, test } from "@playwright/test";
import { apiUser, openRoom, sendFromPage, signUp, uniqueName } from "./support/app.ts";
import { axeViolations as violations } from "./support/axe.ts";

const SIZES = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
] as const;

const message = (page: Page, text: string) => page.locator("#messages > article.message").filter({ hasText: text });

for (const size of SIZES) {
  test.describe(`navigation (${size.name})`, () => {
    test.use({ viewport: size.viewport });

    test('room names: /room/General/ is replaced by /room/general/, and the index opens #general for "General" and "#general"', async ({
      page,
    }) => {
      const room = uniqueName("general");
      await page.goto("/");
      await page.goto(`/room/${room.toUpperCase()}/?at=1`);
      await expect(page).toHaveURL(`/room/${room}/?at=1`);
      await expect(page.getByRole("heading", { name: `#${room}` })).toBeVisible();
      // Replaced, not pushed: Back leaves the room instead of returning to the upper-case address.
      await page.goBack();
      await expect(page).toHaveURL("/");

      for (const typed of [room.toUpperCase(), `#${room}`]) {
        await page.goto("/");
        await page.locator("#room-name-input").fill(typed);
        await page.locator("#room-name-input").press("Enter");
        await expect(page).toHaveURL(`/room/${room}/`);
      }
    });

    test("the header's one search finds messages in any room you can read; a jump closes the results, Esc closes them and gives the focus back", async ({
      page,
      baseURL,
    }) => {
      const word = uniqueName("depl").replace("_", "");
      const [first, second] = [uniqueName("alpha"), uniqueName("beta")];
      const bot = await apiUser(baseURL!);
      await bot.send(first, `${word} in the first room`);
      const newer = await bot.send(second, `${word}ment in the second room`);
      await openRoom(page, first);
      // On a phone the field is behind the header's magnifier, and opens over the header.
      const opener = page.getByRole("banner").getByRole("button", { name: "Search messages" });
      if (size.name === "phone") await opener.click();
      // One search box on the page, in the header; none per room.
      await expect(page.getByRole("searchbox")).toHaveCount(1);
      const box = page.getByRole("banner").getByRole("searchbox", { name: "Search messages" });
      await box.fill(word);
      await box.press("Enter");
      const hits = page.locator("#all-search-results .search-hit");
      await expect(hits).toHaveCount(2);
      await box.press("Escape");
      await expect(page.locator("#all-search-results")).toHaveCount(0);
      await expect(box).toBeFocused();

      await box.press("Enter");
      await expect(hits).toHaveCount(2);
      await hits.filter({ hasText: second }).getByRole("link").click();
      await expect(page).toHaveURL(`/room/${second}/?at=${newer.seq}`);
      await expect(page.locator("#all-search-results")).toHaveCount(0);
      await expect(page.locator(`#messages .message[data-seq="${newer.seq}"]`)).toHaveClass(/\btarget\b/);
      // A phone's field folds away with its results: the room is in sight again.
      if (size.name === "phone") await expect(opener).toBeVisible();
    });

    test("keyboard: the room opens with the cursor in the composer; the timeline is one Tab stop, a feed with ↑/↓, Page Up/Down, Enter for a message's actions and Esc back", async ({
      page,
    }) => {
      const room = uniqueName("keys");
      await signUp(page, uniqueName("kim"), `/room/${room}/`);
      for (const text of ["one", "two", "three"]) await sendFromPage(page, text);
      await page.reload();
      const input = page.locator("#messageInput");
      await expect(input).toBeFocused();

      const feed = page.getByRole("feed");
      await expect(feed).toHaveAttribute("id", "messages");
      const articles = feed.locator(":scope > article.message");
      await expect(articles).toHaveCount(3);
      await expect(articles.nth(0)).toHaveAttribute("aria-posinset", "1");
      await expect(articles.nth(2)).toHaveAttribute("aria-posinset", "3");
      await expect(articles.nth(2)).toHaveAttribute("aria-setsize", "3");

      // From the composer back into the timeline is one step, and it lands on the newest message.
      await page.keyboard.press("Shift+Tab");
      await expect(message(page, "three")).toBeFocused();
      await page.keyboard.press("ArrowUp");
      await expect(message(page, "two")).toBeFocused();
      await page.keyboard.press("PageUp");
      await expect(message(page, "one")).toBeFocused();
      await page.keyboard.press("ArrowUp");
      await expect(message(page, "one")).toBeFocused();
      await page.keyboard.press("PageDown");
      await expect(message(page, "two")).toBeFocused();
      // Tab leaves the timeline for the composer at once: its messages' controls are not Tab stops.
      await page.keyboard.press("Tab");
      await expect(input).toBeFocused();
      // The message last focused is the timeline's Tab stop.
      await page.keyboard.press("Shift+Tab");
      await expect(message(page, "two")).toBeFocused();

      // Enter opens its actions; Tab goes through them; Esc closes them and gives the message the focus back.
      await page.keyboard.press("Enter");
      await expect(message(page, "two").getByRole("button", { name: "Reply" })).toBeFocused();
      await page.keyboard.press("Tab");
      await expect(message(page, "two").getByRole("button", { name: "React" })).toBeFocused();
      await page.keyboard.press("Escape");
      await expect(message(page, "two")).toBeFocused();
      await page.keyboard.press("Tab");
      await expect(input).toBeFocused();
      // Reply from the keyboard: the composer answers the message.
      await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("Enter");
      await page.keyboard.press("Enter");
      await expect(input).toBeFocused();
      await expect(page.locator("#composer-mode")).toContainText("Replying to");
      expect(await violations(page)).toEqual([]);
    });

    test("Ctrl+K opens the quick switcher over your rooms and people; typing filters, Enter opens, Esc closes and gives the focus back", async ({
      page,
      baseURL,
    }) => {
      const [plans, garden] = [uniqueName("plans"), uniqueName("garden")];
      const gus = await apiUser(baseURL!, uniqueName("gus"));
      await gus.send(plans, "plans here");
      await signUp(page, uniqueName("kim"), `/room/${plans}/`);
      await sendFromPage(page, "me too");
      await page.goto(`/room/${garden}/`);
      await sendFromPage(page, "roses");
      await page.goto(`/room/${plans}/`);
      const input = page.locator("#messageInput");
      await expect(input).toBeFocused();

      await page.keyboard.press("Control+k");
      const dialog = page.getByRole("dialog", { name: "Go to a room or a person" });
      await expect(dialog).toBeVisible();
      const combo = dialog.getByRole("combobox", { name: "Room or person" });
      await expect(combo).toBeFocused();
      await expect(dialog.getByRole("option", { name: `#${garden}` })).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.keyboard.press("Escape");
      await expect(dialog).toHaveCount(0);
      await expect(input).toBeFocused();

      // Ctrl+K in the same moment it closes (its close event still queued behind the key) opens it again, and stays open.
      await page.keyboard.press("Control+k");
      await expect(combo).toBeFocused();
      await page.evaluate(async () => {
        const closing = document.querySelector<HTMLDialogElement>("dialog#quick-switcher")!;
        const closed = new Promise((done) => closing.addEventListener("close", done, { once: true }));
        closing.close();
        window.dispatchEvent(
          new KeyboardEvent("keydown", { key: "k", ctrlKey: true, bubbles: true, cancelable: true }),
        );
        await closed;
      });
      await expect(combo).toBeFocused();
      await page.keyboard.press("Escape");
      await expect(dialog).toHaveCount(0);
      await expect(input).toBeFocused();

      await page.keyboard.press("Control+k");
      await page.keyboard.type(garden.slice(0, 8).toUpperCase());
      await expect(dialog.getByRole("option")).toHaveText([`#${garden}`]);
      await page.keyboard.press("Enter");
      await expect(page).toHaveURL(`/room/${garden}/`);
      await expect(dialog).toHaveCount(0);
      await expect(page.locator("#messageInput")).toBeFocused();

      // People: the members of the room you are in; Enter opens the conversation with them.
      await page.goto(`/room/${plans}/`);
      await expect(page.locator("#messageInput")).toBeFocused();
      await page.keyboard.press("Control+k");
      await page.keyboard.type(`@${gus.username}`);
      await expect(dialog.getByRole("option")).toHaveCount(1);
      await page.keyboard.press("Enter");
      await expect(page).toHaveURL(/\/(room|dm)\/[^/]+\/$/);
      await expect(page).not.toHaveURL(`/room/${plans}/`);
      await expect(page.locator("#messageInput")).toBeFocused();
    });

    test("Alt+↓ and Alt+↑ go to the next and previous of your rooms, in the sidebar's order", async ({ page }) => {
      const rooms = [uniqueName("r1"), uniqueName("r2"), uniqueName("r3")];
      await signUp(page, uniqueName("kim"), `/room/${rooms[0]}/`);
      for (const room of rooms) {
        await page.goto(`/room/${room}/`);
        await sendFromPage(page, `in ${room}`);
      }
      // Newest activity first: r3, r2, r1.
      await page.goto(`/room/${rooms[2]}/`);
      await expect(page.locator("#messageInput")).toBeFocused();
      // The sidebar has the order of me.rooms (drawn but hidden on a phone): wait until it knows all three.
      await expect
        .poll(() =>
          page
            .locator("#rooms-sidebar li[data-room]")
            .evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.room)),
        )
        .toEqual([rooms[2], rooms[1], rooms[0]]);
      await page.keyboard.press("Alt+ArrowDown");
      await expect(page).toHaveURL(`/room/${rooms[1]}/`);
      await expect(page.locator("#messageInput")).toBeFocused();
      await page.keyboard.press("Alt+ArrowDown");
      await expect(page).toHaveURL(`/room/${rooms[0]}/`);
      await page.keyboard.press("Alt+ArrowUp");
      await expect(page).toHaveURL(`/room/${rooms[1]}/`);
    });
  });
}
