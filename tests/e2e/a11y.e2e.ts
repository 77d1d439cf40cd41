import { expect, test } from "@playwright/test";
import { apiUser, openRoom, sendFromPage, signUp, uniqueName } from "./support/app.ts";
import { axeViolations as violations } from "./support/axe.ts";
import { png } from "./support/png.ts";

/** An image attachment of `user`'s, uploaded as the app does (FormData over HTTP). */
async function uploadImage(baseURL: string, token: string): Promise<string> {
  const form = new FormData();
  form.append("file", new File([new Uint8Array(png(160, 90, 3))], "chart.png", { type: "image/png" }));
  const res = await fetch(`${baseURL}/trpc/attachment.upload`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: { id: string } } }).result.data.id;
}

// Every page in both themes: the system's scheme picks the theme when the reader has chosen none.
for (const colorScheme of ["light", "dark"] as const)
  test.describe(`accessibility (axe-core), ${colorScheme} theme`, () => {
    test.use({ colorScheme });

    test("the login page, for signing in and signing up, has no violations", async ({ page }) => {
      await page.goto("/login");
      await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await page.goto("/login?mode=signup");
      await expect(page.getByRole("heading", { name: "Create an account" })).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });

    test("the index, as a guest and signed in with your rooms and their badges, has no violations", async ({
      page,
      baseURL,
    }) => {
      const room = uniqueName("axe_index");
      const bot = await apiUser(baseURL!);
      await bot.send(room, "hello");
      await page.goto("/");
      await expect(page.getByRole("link", { name: `#${room}` })).toBeVisible();
      expect(await violations(page)).toEqual([]);

      const me = uniqueName("axe_me");
      await signUp(page, me, `/room/${room}/`);
      await sendFromPage(page, "joined");
      await page.goto("/");
      await bot.send(room, `@${me} unread for you`);
      await expect(page.locator(`#your-rooms li[data-room="${room}"] .badge.mention`)).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });

    test("the room page, with an edit, a reaction, a reply, a code block, an image, a mention, a long message, the sidebar's unread list, the New messages divider, a notice, the members panel and a member's menu, has no violations", async ({
      page,
      baseURL,
    }) => {
      // Many changes set up, then axe over a long page twice: more than the default time under load.
      test.slow();
      const room = uniqueName("axe_room");
      const elsewhere = uniqueName("axe_other");
      const owner = await apiUser(baseURL!);
      await owner.client.room.create.mutate({ room, visibility: "private", topic: "Accessible by design" });
      const other = await apiUser(baseURL!);
      await owner.client.room.invite.mutate({ room, username: other.username });
      await owner.send(elsewhere, "elsewhere");
      const me = uniqueName("axe_member");
      await signUp(page, me, `/room/${elsewhere}/`);
      await sendFromPage(page, "member of elsewhere");
      await owner.client.room.invite.mutate({ room, username: me });
      const sent = [];
      for (let i = 0; i < 3; i++) sent.push(await owner.send(room, `message ${i}`));
      // The room log's changes on screen too: an edit, a reaction, a reply with its quote.
      await owner.client.room.edit.mutate({ room, seq: sent[0]!.seq, text: "message 0, edited" });
      await owner.react(room, sent[1]!.seq, "👍");
      await owner.reply(room, sent[2]!.seq, "a reply");
      await owner.send(room, `@${me} look:\n\`\`\`ts\nconst answer = 42;\n\`\`\`\nand \`inline code\``);
      await owner.client.room.send.mutate({
        room,
        text: "a picture",
        attachments: [await uploadImage(baseURL!, owner.token)],
      });
      await owner.send(room, Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n"));

      await openRoom(page, room);
      // Sent once the page has left that room, so it stays unread there.
      await owner.send(elsewhere, `@${me} over here`);
      await expect(page.locator("#unread-divider")).toBeVisible();
      await expect(page.locator("#messages")).toContainText("message 0, edited");
      await expect(page.locator("#messages")).toContainText("a reply");
      await expect(page.locator("#messages .code-block")).toBeVisible();
      await expect(page.locator("#messages .attachment-thumb img")).toBeVisible();
      await expect(page.getByRole("button", { name: "Show more" })).toBeVisible();
      await owner.client.room.setRole.mutate({ room, username: other.username, role: "moderator" });
      await expect(page.locator(".member-notice")).toHaveText(`${owner.username} made ${other.username} a moderator`);
      await expect(
        page.getByRole("navigation", { name: "Your rooms" }).locator(`li[data-room="${elsewhere}"] .badge.mention`),
      ).toBeVisible();
      expect(await violations(page)).toEqual([]);

      await page.getByRole("button", { name: /^Members/ }).click();
      await page.getByRole("button", { name: `Actions for ${owner.username}` }).click();
      await expect(page.getByRole("list", { name: `Actions for ${owner.username}` })).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });

    test("the account page, with its sessions and the theme switch, has no violations", async ({ page }) => {
      await signUp(page, uniqueName("axe_acct"));
      await page.goto("/account");
      await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
      await expect(page.getByRole("list", { name: "Sessions" }).getByRole("listitem")).not.toHaveCount(0);
      await expect(page.getByLabel("Theme")).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });

    test("the removed state has no violations", async ({ page, baseURL }) => {
      const room = uniqueName("axe_gone");
      const owner = await apiUser(baseURL!);
      await owner.client.room.create.mutate({ room, visibility: "private" });
      const me = uniqueName("axe_gone");
      await signUp(page, me);
      await owner.client.room.invite.mutate({ room, username: me });
      await openRoom(page, room);
      await owner.client.room.kick.mutate({ room, username: me });
      await expect(page.getByText(`You were removed from #${room}.`)).toBeVisible();
      expect(await violations(page)).toEqual([]);
    });
  });
