/**
 * No dead ends: a page whose session ended elsewhere says so at once and offers
 * sign-in (instead of "Signed in", "Live" and a composer whose next send fails);
 * a room you left, were removed or banned from says which, and offers only what
 * works — Join for a public room you left, another room otherwise. At desktop
 * and phone sizes.
 */

import type { AppRouter } from "@parlor/client";
import { expect, type Page, test } from "@playwright/test";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { apiUser, openRoom, PASSWORD, sendFromPage, signUp, uniqueName } from "./support/app.ts";

/** The user's own script on another device, signed in with the same password. */
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

const SIZES = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
] as const;

/** The notice and its way back in, within two seconds of the server ending the session. */
async function expectSignedOut(page: Page, room: string) {
  const notice = page.locator("#session-lost");
  await expect(notice).toContainText("You were signed out.", { timeout: 2_000 });
  await expect(page.locator("#messageInput")).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Account" })).not.toContainText("Signed in");
  await notice.getByRole("link", { name: "Sign in again" }).click();
  await expect(page).toHaveURL(`/login?next=${encodeURIComponent(`/room/${room}/`)}`);
}

for (const size of SIZES) {
  test.describe(`signed out elsewhere (${size.name})`, () => {
    test.use({ viewport: size.viewport });

    test('sign out everywhere on another device: within two seconds the open room says "You were signed out" and offers sign-in, with no composer', async ({
      page,
      baseURL,
    }) => {
      const ann = uniqueName("ann");
      const room = uniqueName("lost");
      await signUp(page, ann, `/room/${room}/`);
      await sendFromPage(page, "here I am");
      const device = await anotherDevice(baseURL!, ann);
      await device.auth.logoutAll.mutate();
      await expectSignedOut(page, room);
    });

    test("a password changed on another device ends this page's session the same way", async ({ page, baseURL }) => {
      const ann = uniqueName("ann");
      const room = uniqueName("lost");
      await signUp(page, ann, `/room/${room}/`);
      await sendFromPage(page, "here I am");
      const device = await anotherDevice(baseURL!, ann);
      await device.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: `${PASSWORD} again` });
      await expectSignedOut(page, room);
    });
  });

  test.describe(`left, removed, banned (${size.name})`, () => {
    test.use({ viewport: size.viewport });

    test('leaving a public room says "You left #x" with a Join that works; no Disconnected badge and no Reply or React meanwhile', async ({
      page,
      baseURL,
    }) => {
      const room = uniqueName("leave");
      const bot = await apiUser(baseURL!);
      await bot.send(room, "welcome");
      await signUp(page, uniqueName("leaver"), `/room/${room}/`);
      await sendFromPage(page, "hello, and goodbye");
      await page.getByRole("button", { name: /^Members/ }).click();
      await page.getByRole("button", { name: "Leave room" }).click();

      const notice = page.locator("#removed-notice");
      await expect(notice).toContainText(`You left #${room}.`);
      await expect(page.locator("#connection-status")).toHaveCount(0);
      await expect(page.locator("#messageInput")).toHaveCount(0);
      await expect(page.locator("#messages [role=toolbar]")).toHaveCount(0);
      await expect(page.getByRole("button", { name: "Reply" })).toHaveCount(0);
      await page.screenshot({ path: `/tmp/navui-left-${size.name}.png` });

      await notice.getByRole("button", { name: "Join" }).click();
      await expect(page.locator("#removed-notice")).toHaveCount(0);
      await expect(page.locator("#connection-status")).toHaveText("Live");
      await sendFromPage(page, "back again");
    });

    test('removed from a private room: "You were removed from #x", no Join, a way to another room', async ({
      page,
      baseURL,
    }) => {
      const room = uniqueName("private");
      const owner = await apiUser(baseURL!);
      await owner.client.room.create.mutate({ room, visibility: "private" });
      await owner.send(room, "for members");
      const me = uniqueName("guest");
      await signUp(page, me);
      await owner.client.room.invite.mutate({ room, username: me });
      await openRoom(page, room);
      await owner.client.room.kick.mutate({ room, username: me });

      const notice = page.locator("#removed-notice");
      await expect(notice).toContainText(`You were removed from #${room}.`);
      await expect(notice.getByRole("button", { name: "Join" })).toHaveCount(0);
      await expect(page.locator("#connection-status")).toHaveCount(0);
      await notice.getByRole("link", { name: "Choose another room" }).click();
      await expect(page).toHaveURL("/");
    });

    test('banned from a public room: "You were banned from #x", and no Join', async ({ page, baseURL }) => {
      const room = uniqueName("banned");
      const owner = await apiUser(baseURL!);
      await owner.client.room.create.mutate({ room, visibility: "public" });
      await owner.send(room, "house rules");
      const me = uniqueName("rowdy");
      await signUp(page, me, `/room/${room}/`);
      await sendFromPage(page, "hi");
      await owner.client.room.ban.mutate({ room, username: me });

      const notice = page.locator("#removed-notice");
      await expect(notice).toContainText(`You were banned from #${room}.`);
      await expect(notice.getByRole("link", { name: "Choose another room" })).toBeVisible();
      await expect(notice.getByRole("button", { name: "Join" })).toHaveCount(0);
      await expect(page.locator("#messages [role=toolbar]")).toHaveCount(0);
    });
  });
}
