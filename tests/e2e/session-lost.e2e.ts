/**
 * What a page keeps for offline use (saved history of private rooms, the
 * outbox of unsent messages) goes when the session does, however it ends: a
 * "sign out everywhere" from another device reaches the open page through its
 * socket (closed with 4001); a device that was offline meanwhile learns it when
 * it is back. Either way localStorage then holds nothing of that user's, so a
 * lost device reloaded offline shows none of it.
 */

import type { AppRouter } from "@parlor/client";
import { expect, type Page, test, type WebSocket } from "@playwright/test";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { openRoom, PASSWORD, signUp, uniqueName } from "./support/app.ts";

/** The user's own script on another device: signed in with the same password, over the real client. */
async function anotherDevice(baseURL: string, username: string) {
  const client = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({ url: `${baseURL}/trpc`, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) }),
      ],
    });
  const { token } = await client().auth.login.mutate({ username, password: PASSWORD });
  return client(token);
}

/** The localStorage keys the page holds for `user`: saved history, outboxes, the remembered user. */
const storedFor = (page: Page, user: string) =>
  page.evaluate(
    (u) =>
      Object.keys(localStorage)
        .filter(
          (key) =>
            key.startsWith(`parlor.history.v1:${u}`) ||
            key.startsWith(`parlor.outbox.v1:${u}:`) ||
            (key === "parlor.user.v1" && localStorage.getItem(key)!.includes(`"${u}"`)),
        )
        .sort(),
    user,
  );

/** A private room of `user`'s with one message, opened in the page until its copy is saved. */
async function savedPrivateRoom(page: Page, device: Awaited<ReturnType<typeof anotherDevice>>, user: string) {
  const room = uniqueName("plans");
  await device.room.create.mutate({ room, visibility: "private" });
  await device.room.send.mutate({ room, text: "the plan is secret" });
  await openRoom(page, room);
  await expect(page.locator("#messages .message .text")).toHaveText(["the plan is secret"]);
  await expect.poll(() => storedFor(page, user)).toContain(`parlor.history.v1:${user}:${room}`);
  return room;
}

/** Types a message with the network off: it waits in the outbox. */
async function typeUnsent(page: Page, text: string) {
  await page.locator("#messageInput").fill(text);
  await page.locator("#messageInput").press("Enter");
  await expect(page.locator("#messages .outbox-message .text")).toHaveText([text]);
}

const signInLink = (page: Page) =>
  page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" });

test("sign out everywhere from another device: the open page hears it on its socket and keeps none of the user's saved rooms or unsent messages", async ({
  page,
  context,
  baseURL,
}) => {
  const ann = uniqueName("ann");
  await signUp(page, ann);
  const device = await anotherDevice(baseURL!, ann);
  const room = await savedPrivateRoom(page, device, ann);

  // An unsent message: typed offline, then left behind on another page (a client-side move), so nothing flushes it.
  await context.setOffline(true);
  await expect(page.locator("#connection-status")).not.toHaveText("Live");
  await typeUnsent(page, "meet at the back door");
  await page.getByRole("link", { name: "Parlor", exact: true }).click();
  await expect(page).toHaveURL("/");
  // Back online: wait for a new socket the server talks on (me.rooms), so the ending reaches an open socket.
  const socket = new Promise<WebSocket>((resolve) =>
    page.on("websocket", (ws) => ws.once("framereceived", () => resolve(ws))),
  );
  await context.setOffline(false);
  const open = await socket;
  expect(await storedFor(page, ann)).toEqual([
    `parlor.history.v1:${ann}`,
    `parlor.history.v1:${ann}:${room}`,
    `parlor.outbox.v1:${ann}:${room}`,
    "parlor.user.v1",
  ]);

  const closed = open.waitForEvent("close");
  await device.auth.logoutAll.mutate();
  await closed;
  await expect(signInLink(page)).toBeVisible();
  await expect.poll(() => storedFor(page, ann)).toEqual([]);
});

test("a device offline while its session is ended elsewhere forgets it all once it is back, and an offline reload then shows nothing of it", async ({
  page,
  context,
  baseURL,
}) => {
  const ann = uniqueName("ann");
  await signUp(page, ann);
  const device = await anotherDevice(baseURL!, ann);
  const room = await savedPrivateRoom(page, device, ann);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  await context.setOffline(true);
  await expect(page.locator("#connection-status")).not.toHaveText("Live");
  await typeUnsent(page, "meet at the back door");
  await device.auth.logoutAll.mutate();
  // Still offline, the page cannot know yet: it shows what it kept (the user it remembers, the copy, the outbox).
  await page.reload();
  await expect(page.locator(".offline-copy")).toBeVisible();
  await expect(page.locator("#messages .outbox-message .text")).toHaveText(["meet at the back door"]);

  await context.setOffline(false);
  await expect(signInLink(page)).toBeVisible({ timeout: 15_000 });
  await expect.poll(() => storedFor(page, ann)).toEqual([]);

  // The lost device reloaded offline again: nobody signed in, no saved copy, no outbox.
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { name: `#${room}` })).toBeVisible();
  await expect(signInLink(page)).toBeVisible();
  await expect(page.locator("#messages .message")).toHaveCount(0);
  await expect(page.locator("#messages .outbox-message")).toHaveCount(0);
  await expect(page.getByText("the plan is secret")).toHaveCount(0);
});
