/**
 * The compact timeline (issue: "a compact timeline as people expect from Slack
 * or Zulip"), at desktop and phone sizes: a face, a name and a time once per
 * group, the following messages as lines with their time on hover or focus,
 * "(edited)" beside the text, long messages collapsed behind a "Show more"
 * button, times without a leading zero in the reader's locale.
 */
import { expect, type Page, test } from "@playwright/test";
import { apiUser, openRoom, sendFromPage, signUp, uniqueName } from "./support/app.ts";

/** An Etc/GMT zone where it is now 9 in the morning: the hour a leading zero would show ("09:…"). */
function zoneAtNine(): string {
  let offset = (9 - new Date().getUTCHours() + 24) % 24;
  if (offset > 14) offset -= 24;
  // Etc/GMT's sign is the other way round: Etc/GMT-3 is UTC+3.
  return offset === 0 ? "Etc/GMT" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
}

const message = (page: Page, text: string) => page.locator("#messages .message").filter({ hasText: text });

for (const [device, viewport] of [
  ["desktop", { width: 1280, height: 800 }],
  ["phone", { width: 390, height: 844 }],
] as const) {
  test.describe(`the compact timeline (${device})`, () => {
    test.use({ viewport, locale: "en-GB", timezoneId: zoneAtNine() });

    test("a group shows one face, name and time; its next messages are lines whose time shows on hover or focus", async ({
      page,
      baseURL,
    }) => {
      const room = uniqueName("look");
      const bob = await apiUser(baseURL!);
      await signUp(page, uniqueName("ann"), `/room/${room}/`);
      await bob.send(room, "first of bob");
      await bob.send(room, "second of bob");
      await expect(message(page, "second of bob")).toBeVisible();

      const first = message(page, "first of bob");
      const second = message(page, "second of bob");
      // A placeholder face: the name's initials ("bot_…" → "B").
      await expect(first.locator(".avatar")).toHaveAttribute("data-initials", /^B/);
      await expect(first.locator(".message-meta .sender")).toBeVisible();
      await expect(second.locator(".avatar")).toHaveCount(0);
      // The line's own header is there for screen readers only; no bordered card around either.
      expect((await second.locator(".message-meta").boundingBox())!.height).toBeLessThanOrEqual(1);
      for (const m of [first, second]) {
        expect(await m.evaluate((el) => getComputedStyle(el).borderTopWidth)).toBe("0px");
      }

      const lineTime = second.locator(".line-time");
      await page.mouse.move(0, 0);
      await expect(lineTime).toBeHidden();
      await second.hover();
      await expect(lineTime).toBeVisible();
      await page.mouse.move(0, 0);
      await expect(lineTime).toBeHidden();
      await second.focus();
      await expect(lineTime).toBeVisible();
    });

    test("times read without a leading zero in the reader's locale: 9:05, not 09:05", async ({ page, baseURL }) => {
      const room = uniqueName("look");
      const bob = await apiUser(baseURL!);
      await bob.send(room, "at nine");
      await openRoom(page, room);
      const time = message(page, "at nine").locator(".message-meta time");
      // It is 9 in the morning in this page's zone (zoneAtNine), and en-GB wrote that hour "09" before.
      await expect(time).toHaveText(/^9:\d\d$/);
    });

    test("(edited) sits beside the text, on its line", async ({ page, baseURL }) => {
      const room = uniqueName("look");
      const bob = await apiUser(baseURL!);
      const sent = await bob.send(room, "short words");
      await bob.client.room.edit.mutate({ room, seq: sent.seq, text: "short words, fixed" });
      await openRoom(page, room);
      const edited = message(page, "short words, fixed").locator(".edited");
      await expect(edited).toHaveText("(edited)");
      const [text, mark] = await Promise.all([
        message(page, "short words, fixed").locator(".text").boundingBox(),
        edited.boundingBox(),
      ]);
      // Same line: the mark starts after the text ends, and their boxes overlap vertically.
      expect(mark!.x).toBeGreaterThan(text!.x + 20);
      expect(mark!.y).toBeLessThan(text!.y + text!.height);
      expect(mark!.y + mark!.height).toBeGreaterThan(text!.y);
    });

    test("a long message starts collapsed; Show more is a button that Enter opens and closes, saying so in aria-expanded", async ({
      page,
      baseURL,
    }) => {
      const room = uniqueName("look");
      const bob = await apiUser(baseURL!);
      await bob.send(room, Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join("\n"));
      await bob.send(room, "a short one");
      await openRoom(page, room);
      const long = message(page, "line 40");
      const text = long.locator(".text");
      const button = long.getByRole("button", { name: "Show more" });
      await expect(button).toHaveAttribute("aria-expanded", "false");
      await expect(button).toHaveAttribute("aria-controls", (await text.getAttribute("id"))!);
      const collapsed = (await text.boundingBox())!.height;
      const clipped = () => text.evaluate((el) => el.scrollHeight > el.clientHeight + 10);
      expect(await clipped()).toBe(true);

      await button.focus();
      await page.keyboard.press("Enter");
      const less = long.getByRole("button", { name: "Show less" });
      await expect(less).toHaveAttribute("aria-expanded", "true");
      await expect(less).toBeFocused();
      expect((await text.boundingBox())!.height).toBeGreaterThan(collapsed * 1.5);
      expect(await clipped()).toBe(false);
      await page.keyboard.press("Enter");
      await expect(long.getByRole("button", { name: "Show more" })).toHaveAttribute("aria-expanded", "false");
      // A short message has no such button.
      await expect(message(page, "a short one").getByRole("button", { name: /Show/ })).toHaveCount(0);
    });

    test("a membership notice sits between the messages around it, and the message after it starts a group again", async ({
      page,
      baseURL,
    }) => {
      const room = uniqueName("look");
      const bob = await apiUser(baseURL!);
      const cat = await apiUser(baseURL!);
      await bob.send(room, "before the join");
      await signUp(page, uniqueName("ann"), `/room/${room}/`);
      await sendFromPage(page, "page user here");
      await cat.client.room.join.mutate({ room });
      await expect(page.locator(".member-notice")).toHaveText(`${cat.username} joined`);
      await bob.send(room, "after the join");
      await expect(message(page, "after the join")).toBeVisible();
      const order = await page
        .locator("#messages")
        .evaluate((list) =>
          [...list.querySelectorAll(".message .text, .member-notice, .day-divider")].map((el) => el.textContent),
        );
      expect(order.slice(-3)).toEqual(["page user here", `${cat.username} joined`, "after the join"]);
      await expect(message(page, "after the join")).not.toHaveClass(/continued/);
      await expect(page.locator("#messages .day-divider")).toHaveText(["Today"]);
    });
  });
}
