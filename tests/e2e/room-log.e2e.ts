/**
 * The room log in the browser: edits, deletes, reactions and replies show live,
 * in place, for everyone in the room, and for someone who was offline meanwhile.
 */
import { expect, type Locator, type Page, test } from "@playwright/test";
import { apiUser, hoverActions, openRoom, sendFromPage, signUp, uniqueName } from "./support/app.ts";

const messageAt = (page: Page, seq: number) => page.locator(`#messages .message[data-seq="${seq}"]`);
const messageSaying = (page: Page, text: string) =>
  page.locator("#messages .message").filter({ has: page.locator(".text", { hasText: text }) });

/** Shows a message's actions as a mouse user does (hovering), then clicks one. */
async function act(message: Locator, action: "Reply" | "React" | "Edit" | "Delete") {
  await (await hoverActions(message)).getByRole("button", { name: action, exact: true }).click();
}

/** What each message shows, top to bottom, whoever looks: seq, text, "(edited)", quote, chips. */
const roomState = (page: Page) =>
  page.locator("#messages .message").evaluateAll((elements) =>
    elements.map((el) => ({
      seq: (el as HTMLElement).dataset.seq,
      text: el.querySelector(".text")?.textContent,
      edited: el.querySelector(".edited") !== null,
      quote: el.querySelector(".quote")?.textContent ?? null,
      chips: [...el.querySelectorAll(".chip")].map((c) => c.textContent),
    })),
  );

/** The first message at least partly in view in the list, and where it is on screen. */
const firstInView = (page: Page) =>
  page.locator("#messages").evaluate((list) => {
    const top = list.getBoundingClientRect().top;
    const first = [...list.querySelectorAll<HTMLElement>(".message")].find((m) => m.getBoundingClientRect().top >= top);
    return { seq: first?.dataset.seq, y: first?.getBoundingClientRect().top ?? NaN };
  });

test.describe("room log", () => {
  test("alice's edit, delete, reaction and reply show live in place for bob, without moving his view, and for carol after she was offline", async ({
    browser,
    baseURL,
  }) => {
    // Three people and a long reconnect: the socket's backoff after 15 s offline can itself take up to 15 s.
    test.setTimeout(75_000);
    const room = uniqueName("log");
    const path = `/room/${room}/`;
    const [aliceCtx, bobCtx, carolCtx] = await Promise.all([
      browser.newContext(),
      browser.newContext({ viewport: { width: 800, height: 520 } }),
      browser.newContext(),
    ]);
    const [a, b, c] = await Promise.all([aliceCtx.newPage(), bobCtx.newPage(), carolCtx.newPage()]);
    const alice = uniqueName("alice");
    const bob = uniqueName("bob");
    await signUp(a, alice, path);
    await sendFromPage(a, "first draft of the plan");
    const bot = await apiUser(baseURL!);
    for (let i = 1; i <= 24; i++) await bot.send(room, `filler ${i}`);
    await signUp(b, bob, path);
    await signUp(c, uniqueName("carol"), path);
    for (const page of [a, b, c]) await expect(page.locator("#connection-status")).toHaveText("Live");
    await expect(messageSaying(b, "filler 24")).toBeVisible();

    // Carol drops off the network before anything changes.
    await carolCtx.setOffline(true);
    await expect(c.locator("#connection-status")).toHaveText("Reconnecting…");

    // Bob reads in the middle of the room: alice's first message is above what he sees.
    // A fresh room: alice's message is its first entry.
    const planA = messageAt(a, 1);
    await expect(planA.locator(".text")).toHaveText("first draft of the plan");
    const planB = messageAt(b, 1);
    await b.locator("#messages").evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 - el.clientHeight / 2 }));
    await expect(planB).not.toBeInViewport();
    const view = await firstInView(b);
    /** Bob still sees the same message at the same place (to the pixel). */
    const viewUnmoved = async () => {
      const now = await firstInView(b);
      expect(now.seq).toBe(view.seq);
      expect(Math.abs(now.y - view.y)).toBeLessThanOrEqual(1);
    };

    // Edit, in the composer: a longer text, so the message grows above bob's view.
    const edited =
      "final plan: we meet at noon by the fountain, bring something to eat and something to drink, and tell the others who could not come";
    await act(planA, "Edit");
    await expect(a.locator("#messageInput")).toHaveValue("first draft of the plan");
    await expect(a.getByText("Editing your message")).toBeVisible();
    await a.locator("#messageInput").fill(edited);
    await a.getByRole("button", { name: "Save" }).click();
    await expect(planA.locator(".edited")).toHaveText("(edited)");
    await expect(a.locator("#messageInput")).toHaveValue("");

    await expect(planB.locator(".text")).toHaveText(edited);
    await expect(planB.locator(".edited")).toHaveText("(edited)");
    await viewUnmoved();

    // A reaction from the picker: a chip row appears on the message, still above bob's view.
    await act(planA, "React");
    await a.getByRole("button", { name: "React with 🎉" }).click();
    await expect(planA.getByRole("button", { name: "🎉 1" })).toHaveAttribute("aria-pressed", "true");
    await expect(planB.getByRole("button", { name: "🎉 1" })).toHaveAttribute("aria-pressed", "false");
    await viewUnmoved();
    // In-place changes are not news: no "new messages" marker, no jump.
    await expect(b.getByRole("button", { name: /new message/ })).toHaveCount(0);

    // Delete asks first, then leaves a notice in place.
    await sendFromPage(a, "this one will go");
    const doomed = messageSaying(a, "this one will go");
    const doomedSeq = Number(await doomed.getAttribute("data-seq"));
    await expect(messageAt(b, doomedSeq).locator(".text")).toHaveText("this one will go");
    await act(doomed, "Delete");
    const confirm = doomed.getByRole("group", { name: "Confirm delete" });
    await expect(confirm).toContainText("Delete this message for everyone?");
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect(messageAt(a, doomedSeq).locator(".text")).toHaveText("This message was deleted");
    await expect(messageAt(b, doomedSeq).locator(".text")).toHaveText("This message was deleted");
    await expect(messageAt(b, doomedSeq).getByRole("toolbar")).toHaveCount(0);

    // A reply quotes what it answers.
    await act(planA, "Reply");
    await expect(a.locator("#composer-mode")).toContainText(`Replying to ${alice}: final plan: we meet at noon`);
    await sendFromPage(a, "count me in");
    await expect(a.locator("#composer-mode")).toHaveCount(0);
    const replyB = messageSaying(b, "count me in");
    await expect(replyB.locator(".quote")).toContainText(`${alice} final plan: we meet at noon`);

    // Bob's click on the chip adds his reaction; alice sees the count go up.
    await b.locator("#messages").evaluate((el) => el.scrollTo({ top: 0 }));
    await planB.getByRole("button", { name: "🎉 1" }).click();
    await expect(planB.getByRole("button", { name: "🎉 2" })).toHaveAttribute("aria-pressed", "true");
    await expect(planB.getByRole("button", { name: "🎉 2" })).toHaveAttribute(
      "title",
      `you and ${alice} reacted 🎉 (click to take yours back)`,
    );
    await expect(planA.getByRole("button", { name: "🎉 2" })).toBeVisible();

    // Carol comes back: the stream replays every change she missed.
    await carolCtx.setOffline(false);
    await expect(c.locator("#connection-status")).toHaveText("Live", { timeout: 25_000 });
    await expect.poll(() => roomState(c)).toEqual(await roomState(b));
    await expect(messageAt(c, 1).getByRole("button", { name: "🎉 2" })).toHaveAttribute(
      "title",
      `${alice} and ${bob} reacted 🎉`,
    );
    await expect(messageAt(c, doomedSeq).locator(".text")).toHaveText("This message was deleted");

    if (process.env.PARLOR_SCREENSHOT) {
      await b.locator("#messages").evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await replyB.hover();
      await b.screenshot({ path: process.env.PARLOR_SCREENSHOT });
    }
    await Promise.all([aliceCtx.close(), bobCtx.close(), carolCtx.close()]);
  });

  test("clicking a reply's quote loads older pages until the answered message is there, shows it and highlights it", async ({
    page,
    baseURL,
  }) => {
    const room = uniqueName("quote");
    const bot = await apiUser(baseURL!);
    // Markup in the answered text, to see the quote show it as text too.
    const original = await bot.send(room, "the original question, <b>asked</b> long ago");
    for (let i = 1; i <= 120; i++) await bot.send(room, `filler ${i}`);
    await bot.reply(room, original.seq, "the answer, at last");

    await openRoom(page, room);
    const reply = messageSaying(page, "the answer, at last");
    // The answered message is two pages back: its quote is fetched on its own.
    await expect(messageAt(page, original.seq)).toHaveCount(0);
    const quote = reply.getByRole("button", {
      name: `In reply to ${bot.username} the original question, <b>asked</b> long ago`,
    });
    await expect(quote).toBeVisible();
    await expect(page.locator("#messages b")).toHaveCount(0);

    await quote.click();
    const target = messageAt(page, original.seq);
    await expect(target).toBeInViewport();
    await expect(target).toHaveClass(/highlighted/);
    await expect(target).toBeFocused();
    await expect(target).not.toHaveClass(/highlighted/, { timeout: 5000 });
  });

  test("keyboard: ↑ in the empty composer edits your last message, Esc cancels; Enter opens a message's actions; the emoji box explains a refusal", async ({
    page,
  }) => {
    const room = uniqueName("keys");
    await signUp(page, uniqueName("kim"), `/room/${room}/`);
    await sendFromPage(page, "one");
    await sendFromPage(page, "two");
    const input = page.locator("#messageInput");

    await input.press("ArrowUp");
    await expect(input).toHaveValue("two");
    await expect(page.locator("#sendBtn")).toHaveText("Save");
    await input.press("Escape");
    await expect(input).toHaveValue("");
    await expect(page.locator("#sendBtn")).toHaveText("Send");
    await expect(messageSaying(page, "two").locator(".edited")).toHaveCount(0);

    await input.press("ArrowUp");
    await input.fill("two, said better");
    await input.press("Enter");
    await expect(messageSaying(page, "two, said better").locator(".edited")).toHaveText("(edited)");
    await expect(input).toHaveValue("");

    // Esc also gives up a reply.
    await act(messageSaying(page, "one"), "Reply");
    await expect(input).toBeFocused();
    await expect(page.locator("#composer-mode")).toContainText("Replying to");
    await input.press("Escape");
    await expect(page.locator("#composer-mode")).toHaveCount(0);

    // Enter on a message opens its actions (the timeline is a feed: they are not Tab stops until then).
    const one = messageSaying(page, "one");
    await one.focus();
    await expect(one.getByRole("toolbar")).toBeVisible();
    await page.keyboard.press("Enter");
    await expect(one.getByRole("button", { name: "Reply" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(one.getByRole("button", { name: "React" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(one.getByRole("button", { name: "React with 👍" })).toBeFocused();

    const any = one.getByLabel("Any emoji");
    await any.fill("ok!");
    await any.press("Enter");
    await expect(one.getByRole("alert")).toHaveText("An emoji is one emoji (like 👍 or 👩🏽‍💻), nothing else.");
    await any.fill("🦄");
    await any.press("Enter");
    await expect(one.getByRole("button", { name: "🦄 1" })).toHaveAttribute("aria-pressed", "true");

    // The chip toggles: Space on it takes the reaction back.
    await one.getByRole("button", { name: "🦄 1" }).focus();
    await page.keyboard.press("Space");
    await expect(one.locator(".chip")).toHaveCount(0);
  });

  test("a reaction the server refuses says why, in the message", async ({ page, baseURL }) => {
    const room = uniqueName("full");
    const bot = await apiUser(baseURL!);
    const message = await bot.send(room, "react to me");
    const twenty = [
      "🍎",
      "🍌",
      "🍇",
      "🍉",
      "🍒",
      "🍓",
      "🍑",
      "🍍",
      "🥝",
      "🥥",
      "🥑",
      "🍆",
      "🥕",
      "🌽",
      "🥔",
      "🥦",
      "🍄",
      "🥜",
      "🌰",
      "🍞",
    ];
    for (const emoji of twenty) await bot.react(room, message.seq, emoji);
    await signUp(page, uniqueName("dan"), `/room/${room}/`);
    const shown = messageAt(page, message.seq);
    await expect(shown.locator(".chip")).toHaveCount(20);

    await act(shown, "React");
    await shown.getByRole("button", { name: "React with 👍" }).click();
    await expect(shown.getByRole("alert")).toHaveText("A message takes at most 20 different emoji.");
    // An emoji already there can still be added to.
    await shown.getByRole("button", { name: "🍎 1" }).click();
    await expect(shown.getByRole("button", { name: "🍎 2" })).toHaveAttribute("aria-pressed", "true");
    await expect(shown.getByRole("alert")).toHaveCount(0);
  });

  test("the index counts a room's messages, not its edits and reactions", async ({ page, baseURL }) => {
    const room = uniqueName("counted");
    const bot = await apiUser(baseURL!);
    const first = await bot.send(room, "one");
    await bot.send(room, "two");
    await bot.react(room, first.seq, "👍");
    await bot.react(room, first.seq, "🎉");
    // Four entries, two messages.
    await page.goto("/");
    const item = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: `#${room}` }) });
    await expect(item).toContainText("2 messages, last at");
  });
});
