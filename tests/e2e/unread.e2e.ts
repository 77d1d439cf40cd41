import { expect, type Page, test } from "@playwright/test";
import { apiUser, openRoom, sendFromPage, signUp, uniqueName } from "./support/app.ts";

/** The sidebar's entry for `room`. */
const sidebarRoom = (page: Page, room: string) =>
  page.getByRole("navigation", { name: "Your rooms" }).locator(`li[data-room="${room}"]`);
/** The index's entry for `room`. */
const indexRoom = (page: Page, room: string) => page.locator(`#your-rooms li[data-room="${room}"]`);

/**
 * Installed before the app loads: a spy around the browser's own Notification
 * (each construction recorded, the instance kept so the test can click it) and
 * a switch for `document.visibilityState`, since a headless page is always "visible".
 */
function notificationSpy() {
  const w = window as unknown as Record<string, unknown>;
  const made: { title: string; body?: string; tag?: string; instance: Notification }[] = [];
  w.__notifications = made;
  w.__permissionRequests = 0;
  const Real = window.Notification;
  class Spy extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      made.push({ title, body: options?.body, tag: options?.tag, instance: this });
    }
    static override requestPermission(...args: Parameters<typeof Notification.requestPermission>) {
      (w.__permissionRequests as number)++;
      return Real.requestPermission(...args);
    }
  }
  window.Notification = Spy as typeof Notification;
  let hidden = false;
  Object.defineProperty(document, "visibilityState", {
    configurable: true,
    get: () => (hidden ? "hidden" : "visible"),
  });
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  w.__setHidden = (value: boolean) => {
    hidden = value;
    document.dispatchEvent(new Event("visibilitychange"));
  };
}

test.describe("unread and mentions", () => {
  test("a mention in another room shows unread and mention badges, and the title counts the total", async ({
    page,
    baseURL,
  }) => {
    const here = uniqueName("here");
    const elsewhere = uniqueName("elsewhere");
    const me = uniqueName("reader");
    const bot = await apiUser(baseURL!);
    await bot.send(elsewhere, "the room starts");
    await signUp(page, me, `/room/${elsewhere}/`);
    await sendFromPage(page, "I am a member now");
    // Read there (the marker moves for what was on screen) before going elsewhere.
    await expect(sidebarRoom(page, elsewhere).locator(".badge")).toHaveCount(0);
    await openRoom(page, here);
    await sendFromPage(page, "and here too");
    await expect(sidebarRoom(page, elsewhere)).toBeVisible();
    await expect(sidebarRoom(page, elsewhere).locator(".badge")).toHaveCount(0);

    await bot.send(elsewhere, "nothing for you");
    await bot.send(elsewhere, `@${me} can you look at this?`);
    const entry = sidebarRoom(page, elsewhere);
    await expect(entry.locator(".badge.unread-count")).toHaveText("2");
    await expect(entry.locator(".badge.mention")).toHaveText("@1");
    await expect(entry.getByRole("link")).toHaveAccessibleName(`#${elsewhere} , 2 unread, 1 mention`);
    await expect(page).toHaveTitle(`(2) #${here} · Parlor`);

    // Reading the room clears its badges and the title.
    await entry.getByRole("link").click();
    await expect(page.locator("#messages")).toContainText("can you look at this?");
    await expect(sidebarRoom(page, elsewhere).locator(".badge")).toHaveCount(0);
    await expect(page).toHaveTitle(`#${elsewhere} · Parlor`);
  });

  test("opening a room shows 'New messages' above the first unread one and scrolls there; two tabs agree on the marker", async ({
    context,
    baseURL,
  }) => {
    const room = uniqueName("catchup");
    const me = uniqueName("tabs");
    const bot = await apiUser(baseURL!);
    await bot.send(room, "read long ago");
    const first = await context.newPage();
    await first.setViewportSize({ width: 1000, height: 600 });
    await signUp(first, me, `/room/${room}/`);
    await sendFromPage(first, "all caught up");
    await first.goto("/");
    const second = await context.newPage();
    await second.setViewportSize({ width: 1000, height: 600 });
    await second.goto("/");

    const unread = Array.from({ length: 40 }, (_, i) => `unread ${i + 1}`);
    for (const text of unread) await bot.send(room, text);
    await expect(indexRoom(first, room).locator(".badge.unread-count")).toHaveText("40");
    await expect(indexRoom(second, room).locator(".badge.unread-count")).toHaveText("40");

    // The first tab opens the room: the divider sits right above "unread 1", on screen; the newest is below.
    await indexRoom(first, room).getByRole("link").click();
    const divider = first.locator("#unread-divider");
    await expect(divider).toBeInViewport();
    await expect(first.locator(".unread-divider + .message .text")).toHaveText("unread 1");
    await expect(first.locator("#messages .message .text").filter({ hasText: /^unread 40$/ })).not.toBeInViewport();

    // What the first tab has on screen is read; the second tab hears of it: fewer unread, not none.
    await expect
      .poll(async () => Number((await indexRoom(second, room).locator(".badge.unread-count").textContent()) ?? "0"))
      .toBeLessThan(40);
    expect(Number(await indexRoom(second, room).locator(".badge.unread-count").textContent())).toBeGreaterThan(0);

    // Scrolled to the end: all read in both tabs.
    await first.locator("#messages").evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect(indexRoom(second, room).locator(".badge")).toHaveCount(0);
    await expect(second).toHaveTitle("Parlor");

    // Opened again now, nothing is new.
    await openRoom(second, room);
    await expect(second.locator("#messages")).toContainText("unread 40");
    await expect(second.locator("#unread-divider")).toHaveCount(0);
  });

  test("a mention while the tab is hidden shows a browser notification; clicking it opens the room", async ({
    browser,
    baseURL,
  }) => {
    const context = await browser.newContext();
    await context.grantPermissions(["notifications"], { origin: baseURL! });
    await context.addInitScript(notificationSpy);
    const page = await context.newPage();
    const room = uniqueName("ping");
    const me = uniqueName("pinged");
    const bot = await apiUser(baseURL!);
    await bot.send(room, "hello");
    await signUp(page, me, `/room/${room}/`);
    await sendFromPage(page, "I am in");
    await page.goto("/");
    await expect(page.getByText("You are notified of mentions while Parlor is in the background.")).toBeVisible();
    expect(
      await page.evaluate(() => (window as unknown as { __permissionRequests: number }).__permissionRequests),
    ).toBe(0);

    // Visible: a mention is a badge, not a notification.
    await bot.send(room, `@${me} while you look`);
    await expect(indexRoom(page, room).locator(".badge.mention")).toHaveText("@1");
    await page.evaluate(() => (window as unknown as { __setHidden(h: boolean): void }).__setHidden(true));
    await bot.send(room, `@${me} are you there?`);
    await expect
      .poll(() =>
        page.evaluate(() =>
          (
            window as unknown as { __notifications: { title: string; body?: string; tag?: string }[] }
          ).__notifications.map(({ title, body, tag }) => ({ title, body, tag })),
        ),
      )
      .toEqual([{ title: `#${room}`, body: `${bot.username}: @${me} are you there?`, tag: `parlor-mention:${room}` }]);

    await page.evaluate(() => {
      const w = window as unknown as { __setHidden(h: boolean): void; __notifications: { instance: Notification }[] };
      w.__setHidden(false);
      w.__notifications[0]!.instance.onclick?.(new Event("click"));
    });
    await expect(page).toHaveURL(`/room/${room}/`);
    await expect(page.locator("#messages")).toContainText("are you there?");
    await context.close();
  });

  test("notifications are asked for only on a click, never on load", async ({ browser }) => {
    const context = await browser.newContext();
    await context.addInitScript(notificationSpy);
    const page = await context.newPage();
    await signUp(page, uniqueName("asked"));
    await page.goto("/");
    const button = page.getByRole("button", { name: "Notify me of mentions" });
    await expect(button).toBeVisible();
    const requests = () =>
      page.evaluate(() => (window as unknown as { __permissionRequests: number }).__permissionRequests);
    expect(await requests()).toBe(0);
    await button.click();
    await expect.poll(requests).toBe(1);
    await context.close();
  });
});
