import { expect, test } from "@playwright/test";
import { apiUser, openRoom, sendFromPage, shownTexts, signUp, uniqueName } from "./support/app.ts";

test.describe("room page", () => {
  test("two users see each other's messages live, in the same order, without reloading", async ({ browser }) => {
    const room = uniqueName("duo");
    const [alice, bob] = await Promise.all([browser.newContext(), browser.newContext()]);
    const [a, b] = await Promise.all([alice.newPage(), bob.newPage()]);
    const aliceName = uniqueName("alice");
    const bobName = uniqueName("bob");
    await signUp(a, aliceName, `/room/${room}/`);
    await signUp(b, bobName, `/room/${room}/`);
    await expect(a.locator("#connection-status")).toHaveText("Live");
    await expect(b.locator("#connection-status")).toHaveText("Live");
    const loads = { a: 0, b: 0 };
    a.on("load", () => loads.a++);
    b.on("load", () => loads.b++);

    await sendFromPage(a, "hi bob");
    await expect(b.locator("#messages")).toContainText("hi bob");
    await sendFromPage(b, "hi alice");
    await expect(a.locator("#messages")).toContainText("hi alice");

    // Both typing at once: whatever order the server stored, both pages show that order.
    await a.locator("#messageInput").fill("from alice 1");
    await b.locator("#messageInput").fill("from bob 1");
    await Promise.all([a.locator("#sendBtn").click(), b.locator("#sendBtn").click()]);
    await a.locator("#messageInput").fill("from alice 2");
    await b.locator("#messageInput").fill("from bob 2");
    await Promise.all([a.locator("#messageInput").press("Enter"), b.locator("#messageInput").press("Enter")]);

    const expected = ["hi bob", "hi alice", "from alice 1", "from bob 1", "from alice 2", "from bob 2"];
    await expect.poll(async () => (await shownTexts(a)).toSorted()).toEqual(expected.toSorted());
    await expect.poll(async () => (await shownTexts(b)).toSorted()).toEqual(expected.toSorted());
    expect(await shownTexts(a)).toEqual(await shownTexts(b));
    expect(loads).toEqual({ a: 0, b: 0 });

    // Each message shows its sender, its text and its time.
    const first = b.locator("#messages .message").first();
    await expect(first.locator(".sender")).toHaveText(aliceName);
    await expect(first.locator(".text")).toHaveText("hi bob");
    await expect(first.locator("time")).toHaveText(/\d{1,2}:\d{2}/);
    await Promise.all([alice.close(), bob.close()]);
  });

  test("markup in a message is shown as text, never run", async ({ page, baseURL }) => {
    const room = uniqueName("markup");
    const hostile = `<img src=x onerror="window.__injected=1"><b>bold?</b> & <script>window.__injected=2</script>`;
    await openRoom(page, room);
    const bot = await apiUser(baseURL!);
    await bot.send(room, hostile);
    await expect(page.locator("#messages .message .text")).toHaveText(hostile);
    await expect(page.locator("#messages img, #messages b, #messages script")).toHaveCount(0);
    expect(await page.evaluate(() => (window as { __injected?: number }).__injected)).toBeUndefined();
  });

  test("long words wrap inside the message on a phone-sized screen", async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const room = uniqueName("narrow");
    await signUp(page, uniqueName("phone"), `/room/${room}/`);
    await sendFromPage(page, `${"x".repeat(300)} end`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    const box = await page.locator("#messages .message").last().boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    await expect(page.locator("#sendBtn")).toBeInViewport();
    await context.close();
  });

  test("history sent before joining is shown, and older pages load on scrolling up to the beginning", async ({
    page,
    baseURL,
  }) => {
    const room = uniqueName("history");
    const bots = await Promise.all([apiUser(baseURL!), apiUser(baseURL!), apiUser(baseURL!)]);
    const texts = Array.from({ length: 120 }, (_, i) => `message ${String(i + 1).padStart(3, "0")}`);
    for (const [i, text] of texts.entries()) await bots[i % bots.length]!.send(room, text);

    await openRoom(page, room);
    const list = page.locator("#messages");
    await expect(list.locator(".message").last().locator(".text")).toHaveText("message 120");
    await expect(list.locator(".message").last()).toBeInViewport();
    expect((await shownTexts(page)).length).toBeLessThan(120);

    // Scroll to the top until the beginning of the room shows; each time an older page loads.
    await expect(async () => {
      await list.evaluate((el) => el.scrollTo({ top: 0 }));
      await expect(list).toContainText("This is the beginning of", { timeout: 500 });
    }).toPass({ timeout: 15_000 });
    expect(await shownTexts(page)).toEqual(texts);
  });

  test("follows new messages at the bottom; scrolled up, offers a marker to jump down", async ({ page, baseURL }) => {
    const room = uniqueName("follow");
    const bot = await apiUser(baseURL!);
    for (let i = 1; i <= 40; i++) await bot.send(room, `earlier ${i}`);
    await page.setViewportSize({ width: 800, height: 500 });
    await openRoom(page, room);
    const list = page.locator("#messages");

    await bot.send(room, "arrives at the bottom");
    await expect(list.getByText("arrives at the bottom")).toBeInViewport();
    await expect(page.getByRole("button", { name: /new message/ })).toHaveCount(0);

    await list.evaluate((el) => el.scrollTo({ top: 0 }));
    await bot.send(room, "arrives while reading");
    const marker = page.getByRole("button", { name: "1 new message ↓" });
    await expect(marker).toBeVisible();
    await expect(list.getByText("arrives while reading")).not.toBeInViewport();
    await expect(list.getByText("earlier 1", { exact: true })).toBeInViewport();

    await marker.click();
    await expect(list.getByText("arrives while reading")).toBeInViewport();
    await expect(marker).toHaveCount(0);
  });
});
