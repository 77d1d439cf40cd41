import { expect, type Page, test } from "@playwright/test";
import { quietFor } from "../support/wait.ts";
import { apiUser, hoverActions, sendFromPage, signUp, uniqueName } from "./support/app.ts";

/** Opens the members panel of the room on screen. */
async function openMembers(page: Page) {
  await page.getByRole("button", { name: /^Members \(\d+\)$/ }).click();
  await expect(page.getByRole("complementary", { name: /Members/ })).toBeVisible();
}

/** Clicks `action` in the menu of `username` in the open members panel. */
async function memberAction(page: Page, username: string, action: string) {
  await page.getByRole("button", { name: `Actions for ${username}` }).click();
  await page
    .getByRole("list", { name: `Actions for ${username}` })
    .getByRole("button", { name: action })
    .click();
}

test.describe("rooms", () => {
  // Three browser contexts each, several round trips per step: more than the default 30 s on a busy 2-core machine.
  test.describe.configure({ timeout: 75_000 });
  test("an owner creates a private room and invites a user; a third user gets the not-found page; the kicked invitee is told and shows no new messages", async ({
    browser,
  }) => {
    const room = uniqueName("secret");
    const [ownerCtx, guestCtx, strangerCtx] = await Promise.all([
      browser.newContext(),
      browser.newContext(),
      browser.newContext(),
    ]);
    const [owner, invitee, stranger] = await Promise.all([
      ownerCtx.newPage(),
      guestCtx.newPage(),
      strangerCtx.newPage(),
    ]);
    const ownerName = uniqueName("owner");
    const inviteeName = uniqueName("invitee");
    await signUp(owner, ownerName);
    await signUp(invitee, inviteeName);
    await signUp(stranger, uniqueName("stranger"));

    // The owner makes the room from the index: private, with a topic.
    await owner.getByLabel("Name").fill(room);
    await owner.getByLabel("Private: only people you invite").check();
    await owner.getByLabel("Topic (optional)").fill("plans for the launch");
    await owner.getByRole("button", { name: "Create room" }).click();
    await expect(owner).toHaveURL(`/room/${room}/`);
    await expect(owner.getByRole("heading", { name: `#${room}` })).toBeVisible();
    await expect(owner.locator(".room-topic")).toHaveText("plans for the launch");
    await expect(owner.locator("#connection-status")).toHaveText("Live");

    // The invitee sits on the index; the invitation puts the room in their list, with a lock.
    await openMembers(owner);
    await owner.getByLabel("Invite by username").fill(inviteeName);
    await owner.getByRole("button", { name: "Invite", exact: true }).click();
    await expect(owner.locator(".member-list")).toContainText(inviteeName);
    await expect(owner.getByRole("button", { name: "Members (2)" })).toBeVisible();
    const listed = invitee.locator("#your-rooms").getByRole("link", { name: `Private: #${room}` });
    await expect(listed).toBeVisible();
    await expect(listed.locator(".lock")).toBeVisible();
    await listed.click();
    await expect(invitee).toHaveURL(`/room/${room}/`);
    await expect(invitee.locator("#connection-status")).toHaveText("Live");

    // Someone else: exactly what a name never used would show, nothing of the room.
    await stranger.goto(`/room/${room}/`);
    await expect(stranger.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(stranger.locator("body")).not.toContainText("plans for the launch");

    await sendFromPage(owner, "before the kick");
    await expect(invitee.locator("#messages")).toContainText("before the kick");
    await expect(owner.locator("#messages .member-notice")).toContainText([`${ownerName} added ${inviteeName}`]);

    // Kicked: their page says so, the composer goes, and what is sent a second later never shows there.
    await memberAction(owner, inviteeName, "Remove from room");
    await expect(invitee.getByRole("alert").filter({ hasText: "You were removed" })).toContainText(
      `You were removed from #${room}.`,
    );
    await expect(invitee.locator("#messageInput")).toHaveCount(0);
    await expect(owner.locator("#messages .member-notice").last()).toHaveText(`${ownerName} removed ${inviteeName}`);
    await owner.waitForTimeout(1_000); // "a second later" is the scenario
    await sendFromPage(owner, "after the kick");
    await quietFor(500, () => invitee.locator("#messages").textContent(), "the kicked invitee's messages");
    await expect(invitee.locator("#messages")).not.toContainText("after the kick");
    await expect(invitee.locator("#messages")).toContainText("before the kick");
    // …and the room leaves their list.
    await expect(
      invitee.getByRole("navigation", { name: "Your rooms" }).getByRole("link", { name: `Private: #${room}` }),
    ).toHaveCount(0);
    await Promise.all([ownerCtx.close(), guestCtx.close(), strangerCtx.close()]);
  });

  test("a taken name is refused inline, and the form stays filled", async ({ page, baseURL }) => {
    const room = uniqueName("taken");
    const bot = await apiUser(baseURL!);
    await bot.send(room, "first");
    await signUp(page, uniqueName("maker"));
    await page.getByLabel("Name").fill(room);
    await page.getByRole("button", { name: "Create room" }).click();
    await expect(page.locator("#new-room-error")).toHaveText(`Room '${room}' already exists.`);
    await expect(page).toHaveURL("/");
    await expect(page.getByLabel("Name")).toHaveValue(room);
  });

  test("a member's menu offers only what the viewer may do; a new moderator is a notice and deletes others' messages; 'Message' opens the direct conversation", async ({
    browser,
    baseURL,
  }) => {
    const room = uniqueName("club");
    const owner = await apiUser(baseURL!, uniqueName("own"));
    await owner.client.room.create.mutate({ room, visibility: "public" });
    const plain = await apiUser(baseURL!, uniqueName("plain"));
    await plain.client.room.join.mutate({ room });
    const [annCtx, benCtx] = await Promise.all([browser.newContext(), browser.newContext()]);
    const [ann, ben] = await Promise.all([annCtx.newPage(), benCtx.newPage()]);
    const annName = uniqueName("ann");
    const benName = uniqueName("ben");
    await signUp(ann, annName, `/room/${room}/`);
    await signUp(ben, benName, `/room/${room}/`);
    await sendFromPage(ann, "ann is here");
    await sendFromPage(ben, "ben is here");
    await owner.client.room.setRole.mutate({ room, username: annName, role: "moderator" });
    await expect(ann.locator("#messages .member-notice").last()).toHaveText(
      `${owner.username} made ${annName} a moderator`,
    );

    // Ann, a moderator: a member can be removed or banned, the owner only messaged; no roles to set.
    await openMembers(ann);
    const panel = ann.getByRole("complementary", { name: /Members/ });
    await expect(panel.locator(`[data-username="${annName}"] .role-tag`)).toHaveText("moderator");
    await expect(panel.locator(`[data-username="${owner.username}"] .role-tag`)).toHaveText("owner");
    await ann.getByRole("button", { name: `Actions for ${benName}` }).click();
    await expect(ann.getByRole("list", { name: `Actions for ${benName}` }).getByRole("button")).toHaveText([
      `Message ${benName}`,
      "Remove from room",
      "Ban from room",
    ]);
    await ann.getByRole("button", { name: `Actions for ${owner.username}` }).click();
    await expect(ann.getByRole("list", { name: `Actions for ${owner.username}` }).getByRole("button")).toHaveText([
      `Message ${owner.username}`,
    ]);
    await expect(ann.getByRole("button", { name: `Actions for ${annName}` })).toHaveCount(0);
    // Escape closes the open menu, then the panel.
    await ann.getByRole("button", { name: `Actions for ${owner.username}` }).press("Escape");
    await expect(ann.getByRole("list", { name: `Actions for ${owner.username}` })).toHaveCount(0);
    await ann.getByRole("button", { name: `Actions for ${owner.username}` }).press("Escape");
    await expect(ann.getByRole("complementary", { name: /Members/ })).toHaveCount(0);

    // A moderator may delete anyone's message (not edit it); a member only their own.
    const bens = ann.locator("#messages .message").filter({ has: ann.locator(".text", { hasText: "ben is here" }) });
    const toolbar = await hoverActions(bens);
    await expect(toolbar.getByRole("button", { name: "Edit", exact: true })).toHaveCount(0);
    await toolbar.getByRole("button", { name: "Delete", exact: true }).click();
    await bens.getByRole("group", { name: "Confirm delete" }).getByRole("button", { name: "Delete" }).click();
    await expect(ben.locator("#messages")).toContainText("This message was deleted");
    const anns = ben.locator("#messages .message").filter({ has: ben.locator(".text", { hasText: "ann is here" }) });
    await anns.hover();
    await expect(
      anns.getByRole("toolbar", { name: "Message actions" }).getByRole("button", { name: "Delete", exact: true }),
    ).toHaveCount(0);

    // Ben, a member: only "Message", and a way out.
    await openMembers(ben);
    await ben.getByRole("button", { name: `Actions for ${plain.username}` }).click();
    await expect(ben.getByRole("list", { name: `Actions for ${plain.username}` }).getByRole("button")).toHaveText([
      `Message ${plain.username}`,
    ]);
    await expect(ben.getByRole("button", { name: "Leave room" })).toBeVisible();
    await expect(ben.getByLabel("Invite by username")).toHaveCount(0);

    // Ben messages Ann: the direct conversation opens, named after her; she sees it in her rooms, unread.
    await memberAction(ben, annName, `Message ${annName}`);
    await expect(ben).toHaveURL(`/dm/${annName}/`);
    await expect(ben.getByRole("heading", { name: annName, exact: true })).toBeVisible();
    await expect(ben.locator("#connection-status")).toHaveText("Live");
    await sendFromPage(ben, "just between us");
    const dm = ann
      .getByRole("navigation", { name: "Your rooms" })
      .getByRole("link", { name: new RegExp(`^Direct message with ${benName}`) });
    await expect(dm).toContainText("1");
    await dm.click();
    await expect(ann.locator("#messages")).toContainText("just between us");
    await expect(ann.getByRole("heading", { name: benName, exact: true })).toBeVisible();
    await Promise.all([annCtx.close(), benCtx.close()]);
  });

  test("leaving a room says so and takes the composer away", async ({ page, baseURL }) => {
    const room = uniqueName("leave");
    const bot = await apiUser(baseURL!);
    await bot.send(room, "welcome");
    await signUp(page, uniqueName("leaver"), `/room/${room}/`);
    await sendFromPage(page, "hello, and goodbye");
    await openMembers(page);
    await page.getByRole("button", { name: "Leave room" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "You left" })).toContainText(`You left #${room}.`);
    await expect(page.locator("#messageInput")).toHaveCount(0);
  });
});
