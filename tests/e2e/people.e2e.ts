/**
 * People in the web app, as a person meets them: names and faces in the
 * timeline, presence, members and the @ list, changed live; messages that
 * concern you standing out (`data-mentions-me`); direct conversations titled
 * by the other person at /dm/<username>/, started by name; being told of an
 * invitation; room settings for moderators (topic, bans, roles); sessions on
 * the account page. At desktop and phone sizes, by keyboard where it applies,
 * axe-clean.
 */
import { expect, type Page, test } from "@playwright/test";
import { apiUser, openRoom, PASSWORD, sendFromPage, signUp, uniqueName } from "./support/app.ts";
import { axeViolations as violations } from "./support/axe.ts";
import { png } from "./support/png.ts";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Signs in through /login as a user made with apiUser (same password). */
async function signIn(page: Page, username: string, next = "/"): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(next);
}

/** Nothing a person reads on the page names a room by its `dm:` id: the title, the text, the labels, the placeholder. */
async function expectNoDmIds(page: Page): Promise<void> {
  expect(await page.title()).not.toContain("dm:");
  const read = await page.evaluate(() => {
    const labels = [...document.querySelectorAll("[aria-label],[placeholder],[title]")].map(
      (e) =>
        `${e.getAttribute("aria-label") ?? ""} ${e.getAttribute("placeholder") ?? ""} ${e.getAttribute("title") ?? ""}`,
    );
    return `${document.body.textContent} ${labels.join(" ")}`;
  });
  expect(read).not.toContain("dm:");
}

for (const [size, viewport] of [
  ["desktop", DESKTOP],
  ["phone", PHONE],
] as const) {
  test.describe(`people (${size})`, () => {
    test.use({ viewport });

    test("display names show in the timeline, presence and the @ list (matched by name), with initials, and change live", async ({
      page,
      baseURL,
    }) => {
      const room = uniqueName("names");
      const bob = await apiUser(baseURL!, uniqueName("bob"));
      await bob.client.me.updateProfile.mutate({ displayName: "Robert Builder" });
      await bob.send(room, "hello from Robert");
      const me = uniqueName("me");
      await signUp(page, me, `/room/${room}/`);
      await openRoom(page, room);

      const first = page.locator("#messages .message").first();
      const sender = first.locator(".sender");
      await expect(sender).toHaveText("Robert Builder");
      await expect(sender).toHaveAttribute("title", `@${bob.username}`);
      await expect(first.locator(".avatar")).toHaveAttribute("data-initials", "RB");

      // @ completes by display name; what goes in is the username.
      const input = page.locator("#messageInput");
      await input.focus();
      await page.keyboard.type("hi @rob");
      const option = page.getByRole("listbox", { name: "People to mention" }).getByRole("option").first();
      await expect(option).toHaveText(`Robert Builder @${bob.username}`);
      await page.keyboard.press("Enter");
      await expect(input).toHaveValue(`hi @${bob.username} `);
      await input.fill("");

      // Renamed elsewhere: the open page shows the new name without a reload.
      await bob.client.me.updateProfile.mutate({ displayName: "Bob the Builder" });
      await expect(sender).toHaveText("Bob the Builder");
      await expect(first.locator(".avatar")).toHaveAttribute("data-initials", "BB");
      await page.screenshot({ path: `/tmp/people-names-${size}.png` });
      expect(await violations(page)).toEqual([]);
    });

    test("a message that mentions you, answers you, or comes in your DM carries data-mentions-me; others do not", async ({
      page,
      baseURL,
    }) => {
      const room = uniqueName("concern");
      const ben = await apiUser(baseURL!, uniqueName("ben"));
      const me = uniqueName("me");
      await signUp(page, me, `/room/${room}/`);
      await openRoom(page, room);
      await sendFromPage(page, "my question");
      const mine = Number(await page.locator("#messages .message").last().getAttribute("data-seq"));
      await ben.send(room, "nothing for you");
      await ben.send(room, `@${me} look at this`);
      await ben.reply(room, mine, "an answer");
      const messages = page.locator("#messages .message");
      await expect(messages).toHaveCount(4);
      await expect(messages.nth(0)).not.toHaveAttribute("data-mentions-me");
      await expect(messages.nth(1)).not.toHaveAttribute("data-mentions-me");
      await expect(messages.nth(2)).toHaveAttribute("data-mentions-me", "mention");
      await expect(messages.nth(2)).toContainText("mentions you");
      await expect(messages.nth(3)).toHaveAttribute("data-mentions-me", "reply");
      await expect(page.locator("#messages [data-mentions-me]")).toHaveCount(2);
      await page.screenshot({ path: `/tmp/people-mentions-${size}.png` });
      expect(await violations(page)).toEqual([]);
    });

    test("a DM is titled by the other person at /dm/<username>/, no dm: id shows, and New message starts one by name from the keyboard", async ({
      page,
      baseURL,
    }) => {
      const ann = await apiUser(baseURL!, uniqueName("ann"));
      await ann.client.me.updateProfile.mutate({ displayName: "Ann Smith" });
      const me = uniqueName("me");
      await signUp(page, me, "/");

      // New message, keyboard only: a name nobody has is refused in words; then Ann's conversation opens.
      await page.getByRole("button", { name: "New message" }).focus();
      await page.keyboard.press("Enter");
      const to = page.getByLabel("To (username)");
      await expect(to).toBeFocused();
      await page.keyboard.type("nobody_here_at_all");
      await page.keyboard.press("Enter");
      await expect(page.getByRole("alert").filter({ hasText: "Nobody is called" })).toContainText("nobody_here_at_all");
      await to.fill(`@${ann.username}`);
      await page.keyboard.press("Enter");
      await expect(page).toHaveURL(`/dm/${ann.username}/`);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ann Smith");
      await expect(page.locator("#messageInput")).toHaveAttribute("placeholder", "Message Ann Smith");
      await expect(page.locator("#connection-status")).toHaveText("Live");
      await sendFromPage(page, "hello Ann");
      await ann.client.room.send.mutate({
        room: (await ann.client.dm.open.mutate({ username: me })).room,
        text: "hi back",
      });
      const reply = page.locator("#messages .message").filter({ hasText: "hi back" });
      await expect(reply).toHaveAttribute("data-mentions-me", "direct");
      await expect(page).toHaveTitle(/Ann Smith/);
      await expect(page.locator("#messages")).toContainText(
        "This is the beginning of your conversation with Ann Smith.",
      );
      await expectNoDmIds(page);
      await page.screenshot({ path: `/tmp/people-dm-${size}.png` });
      expect(await violations(page)).toEqual([]);

      // The rooms list names the conversation by Ann and links to /dm/<username>/; an old /room/dm:… link moves there.
      await page.goto("/");
      const link = page.locator("#your-rooms").getByRole("link", { name: /Ann Smith/ });
      await expect(link).toHaveAttribute("href", `/dm/${ann.username}/`);
      await expectNoDmIds(page);
      const dmRoom = (await ann.client.dm.open.mutate({ username: me })).room;
      await page.goto(`/room/${encodeURIComponent(dmRoom)}/`);
      await expect(page).toHaveURL(`/dm/${ann.username}/`);
    });

    test("being added to a room says who added you, with a link that opens it", async ({ page, baseURL }) => {
      const room = uniqueName("plans");
      const ann = await apiUser(baseURL!, uniqueName("ann"));
      await ann.client.room.create.mutate({ room, visibility: "private" });
      const me = uniqueName("me");
      await signUp(page, me, "/");
      await expect(page.locator("#your-rooms")).toContainText("No rooms yet");
      await ann.client.room.invite.mutate({ room, username: me });
      const notice = page.locator(".toast.invitation");
      await expect(notice).toContainText(`${ann.username} added you to #${room}`);
      expect(await violations(page)).toEqual([]);
      await notice.getByRole("link", { name: "Open" }).click();
      await expect(page).toHaveURL(`/room/${room}/`);
      await expect(notice).toHaveCount(0);
    });

    test("moderators set the topic, see the banned list and unban, and change roles, from the members panel", async ({
      page,
      baseURL,
    }) => {
      const room = uniqueName("club");
      const owner = await apiUser(baseURL!, uniqueName("own"));
      const cat = await apiUser(baseURL!, uniqueName("cat"));
      const dan = await apiUser(baseURL!, uniqueName("dan"));
      await owner.client.room.create.mutate({ room, visibility: "public" });
      await cat.client.room.join.mutate({ room });
      await owner.client.room.ban.mutate({ room, username: dan.username });
      await signIn(page, owner.username, `/room/${room}/`);
      await expect(page.locator("#connection-status")).toHaveText("Live");
      await page.getByRole("button", { name: /^Members/ }).click();
      const panel = page.locator("#members-panel");

      await panel.getByLabel("Topic").fill("Plans for the weekend");
      await panel.getByRole("button", { name: "Save topic" }).click();
      await expect(page.locator(".room-topic")).toHaveText("Plans for the weekend");

      const bans = panel.getByRole("list", { name: "Banned" });
      await expect(bans.locator(`li[data-banned="${dan.username}"]`)).toContainText(`by ${owner.username}`);
      await bans.getByRole("button", { name: `Unban ${dan.username}` }).click();
      await expect(panel).toContainText("Nobody is banned.");
      expect(await cat.client.room.info.query({ room })).toMatchObject({ topic: "Plans for the weekend" });

      await panel.getByRole("button", { name: `Actions for ${cat.username}` }).click();
      await panel.getByRole("button", { name: "Make moderator" }).click();
      await expect(panel.locator(`li[data-username="${cat.username}"] .role-tag`)).toHaveText("moderator");
      await page.screenshot({ path: `/tmp/people-settings-${size}.png`, fullPage: true });
      expect(await violations(page)).toEqual([]);
    });

    test("the account page edits the display name and lists sessions with browser, system, address and activity, each signed out on its own", async ({
      page,
      browser,
    }) => {
      // Two browsers and two sign-ins: slow on a busy machine.
      test.setTimeout(60_000);
      const me = uniqueName("me");
      await signUp(page, me, "/account");
      // A second session, from another browser.
      const other = await browser.newContext({
        userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
      });
      const otherPage = await other.newPage();
      await signIn(otherPage, me, "/");
      await page.reload();

      await page.getByLabel("Display name").fill("Me Myself");
      await page.keyboard.press("Enter");
      await expect(page.locator(".profile-card")).toContainText("Me Myself");
      await expect(page.locator(".profile-card .avatar")).toHaveAttribute("data-initials", "MM");

      // A picture: uploaded with the composer's transport, then set with me.updateProfile({ avatar }); shown in place of the initials.
      await page.getByLabel("Picture").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: png(96, 96, 3) });
      const picture = page.locator(".profile-card img.avatar");
      await expect(picture).toHaveAttribute("src", /\/files\//);
      await expect(picture).toHaveAttribute("width", "48");
      await expect
        .poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
        .toBe(true);
      await page.getByRole("button", { name: "Remove picture" }).click();
      await expect(page.locator(".profile-card .avatar")).toHaveAttribute("data-initials", "MM");

      const sessions = page.getByRole("list", { name: "Sessions" }).getByRole("listitem");
      await expect(sessions).toHaveCount(2);
      const firefox = sessions.filter({ hasText: "Firefox 128 on Linux" });
      await expect(firefox).toContainText("Active now");
      await expect(firefox).toContainText("From ");
      await expect(sessions.filter({ hasText: "This browser" })).toContainText("Chrom");
      await page.screenshot({ path: `/tmp/people-account-${size}.png`, fullPage: true });
      expect(await violations(page)).toEqual([]);

      await firefox.getByRole("button", { name: /^Sign out Firefox 128 on Linux/ }).click();
      await expect(sessions).toHaveCount(1);
      // That browser is signed out; this one is not.
      await otherPage.goto("/account");
      await expect(otherPage.getByRole("link", { name: "Sign in" }).first()).toBeVisible();
      await expect(page.getByRole("navigation", { name: "Account" })).toContainText(`Signed in as ${me}`);
      await other.close();
    });
  });
}
