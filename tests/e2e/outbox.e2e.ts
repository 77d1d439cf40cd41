/**
 * The outbox and the offline shell: what is typed with no network shows as
 * "sending…", survives a reload with the network still off (the page then
 * comes from the service worker), and is stored once each, in order, when the
 * network is back; what the server refuses shows "not sent" with its reason,
 * to retry or discard.
 */

import type { AppRouter } from "@parlor/client";
import { expect, type Page, test } from "@playwright/test";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { startParlorProcess } from "../support/parlor-process.ts";
import { shownTexts, signUp, uniqueName } from "./support/app.ts";
import { axeViolations } from "./support/axe.ts";

/** The room's stored messages, oldest first, as the server has them. */
async function storedTexts(baseURL: string, room: string): Promise<string[]> {
  const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${baseURL}/trpc` })] });
  const page = await client.room.history.query({ room, limit: 100 });
  return page.messages.map((m) => m.text).reverse();
}

const pending = (page: Page) => page.locator("#messages .outbox-message");

/** Types a message and presses Enter, as a person does. */
async function typeAndSend(page: Page, text: string) {
  await page.locator("#messageInput").fill(text);
  await page.locator("#messageInput").press("Enter");
  await expect(page.locator("#messageInput")).toHaveValue("");
}

/** Waits until the service worker has cached the shell and controls this page. */
async function waitForServiceWorker(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

test.describe("the outbox", () => {
  test("typed offline: 'sending…' at once, kept across a reload with no network, then stored once each, in order", async ({
    page,
    context,
    baseURL,
  }) => {
    const room = uniqueName("outbox");
    const ann = uniqueName("ann");
    await signUp(page, ann, `/room/${room}/`);
    await expect(page.locator("#connection-status")).toHaveText("Live");
    await typeAndSend(page, "said while online");
    await expect(page.locator("#messages .message .text")).toHaveText(["said while online"]);
    await waitForServiceWorker(page);
    // The page keeps its own copy of the room's recent history for an offline reload.
    await expect
      .poll(() => page.evaluate((key) => localStorage.getItem(key) !== null, `parlor.history.v1:${ann}:${room}`))
      .toBe(true);

    await context.setOffline(true);
    await expect(page.locator("#connection-status")).not.toHaveText("Live");
    await typeAndSend(page, "offline one");
    await page.locator("#messageInput").fill("offline two");
    await page.locator("#messageInput").press("Shift+Enter");
    await page.locator("#messageInput").pressSequentially("second line");
    await page.locator("#messageInput").press("Enter");
    await typeAndSend(page, "offline three");
    await expect(pending(page)).toHaveCount(3);
    await expect(pending(page).locator(".outbox-state")).toHaveText(["sending…", "sending…", "sending…"]);
    await expect(pending(page).locator(".text")).toHaveText([
      "offline one",
      "offline two\nsecond line",
      "offline three",
    ]);
    expect(await storedTexts(baseURL!, room)).toEqual(["said while online"]);

    // A reload with the network still off: the service worker serves the page, the room shows its saved history and its outbox.
    await page.reload();
    await expect(page.getByRole("heading", { name: `#${room}` })).toBeVisible();
    await expect(page.locator(".offline-copy")).toContainText("Offline: showing the messages saved on this device");
    await expect(page.locator("#messages .message .text")).toHaveText(["said while online"]);
    // The offline notice speaks for the whole timeline from above it: the feed still owns only its messages.
    expect(await axeViolations(page)).toEqual([]);
    await expect(pending(page).locator(".text")).toHaveText([
      "offline one",
      "offline two\nsecond line",
      "offline three",
    ]);
    await expect(pending(page).locator(".outbox-state")).toHaveText(["sending…", "sending…", "sending…"]);
    await expect(page.locator("#messageInput")).toBeVisible();
    // The worker holds the app shell only: nothing of /trpc or /api is cached or answered by it.
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys())
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      return urls;
    });
    expect(cached).toContain("/index.html");
    expect(cached.filter((path) => /^\/(trpc|api)\b/.test(path))).toEqual([]);
    const offlineApi = await page.evaluate(
      (r) =>
        fetch(`/api/messages/${r}/`).then(
          () => "answered",
          () => "no answer",
        ),
      room,
    );
    expect(offlineApi).toBe("no answer");

    // Back online: nothing else to do; they go out by themselves, in order, once each.
    await context.setOffline(false);
    await expect(page.locator("#connection-status")).toHaveText("Live", { timeout: 15_000 });
    await expect(pending(page)).toHaveCount(0, { timeout: 15_000 });
    await expect
      .poll(() => shownTexts(page))
      .toEqual(["said while online", "offline one", "offline two\nsecond line", "offline three"]);
    await expect(page.locator(".offline-copy")).toHaveCount(0);
    expect(await storedTexts(baseURL!, room)).toEqual([
      "said while online",
      "offline one",
      "offline two\nsecond line",
      "offline three",
    ]);

    // And a second reader sees each once.
    const other = await context.browser()!.newPage();
    await other.goto(`${baseURL}/room/${room}/`);
    await expect
      .poll(() => shownTexts(other))
      .toEqual(["said while online", "offline one", "offline two\nsecond line", "offline three"]);
    await other.close();
  });

  test("over the rate limit: 'not sent' with the server's reason; Retry stores it, Discard drops it", async ({
    browser,
  }) => {
    // Two messages per four-second window: the four typed offline go out well within one, however slow the machine.
    const server = await startParlorProcess({ env: { HOST: "localhost", SEND_BURST: "2", SEND_PER_SECOND: "0.5" } });
    const context = await browser.newContext({ baseURL: server.url });
    try {
      const page = await context.newPage();
      const room = uniqueName("limit");
      await signUp(page, uniqueName("ann"), `/room/${room}/`);
      await expect(page.locator("#connection-status")).toHaveText("Live");

      await context.setOffline(true);
      await expect(page.locator("#connection-status")).not.toHaveText("Live");
      for (const text of ["first", "second", "third", "fourth"]) await typeAndSend(page, text);
      await expect(pending(page)).toHaveCount(4);
      await context.setOffline(false);

      await expect.poll(() => shownTexts(page), { timeout: 15_000 }).toEqual(["first", "second"]);
      const refused = pending(page).filter({ has: page.locator(".outbox-state", { hasText: "not sent" }) });
      await expect(refused).toHaveCount(2);
      await expect(refused.locator(".text")).toHaveText(["third", "fourth"]);
      await expect(refused.first().locator(".reason")).toHaveText(/^Too many messages: try again in \d+ s\.$/);

      const reason = await refused.first().locator(".reason").textContent();
      await refused.filter({ hasText: "fourth" }).getByRole("button", { name: "Discard" }).click();
      await expect(pending(page)).toHaveCount(1);
      // Wait as long as the server said, then retry.
      await page.waitForTimeout(Number(/in (\d+) s/.exec(reason ?? "")![1]) * 1_000 + 300);
      await pending(page).getByRole("button", { name: "Retry" }).click();
      await expect(pending(page)).toHaveCount(0);
      await expect.poll(() => shownTexts(page)).toEqual(["first", "second", "third"]);
      expect(await storedTexts(server.url, room)).toEqual(["first", "second", "third"]);

      // Discarded stays discarded across a reload.
      await page.reload();
      await expect.poll(() => shownTexts(page)).toEqual(["first", "second", "third"]);
      await expect(pending(page)).toHaveCount(0);
    } finally {
      await context.close();
      await server.dispose();
    }
  });
});
