/**
 * The room page's pictures in docs/screenshots/: desktop (1280×800) and phone
 * (390×844), light and dark, of a populated room — a few people, a reply, a
 * code block, an image, reactions, a mention, an edit, the day's divider.
 * Written only when PARLOR_SCREENSHOTS=1 (`bun run screenshots`), so they are
 * refreshed on purpose after a change of the look, never by the suite.
 */
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import type { Attachment } from "../../shared/schemas.ts";
import { apiUser, sendFromPage, signUp } from "./support/app.ts";
import { png } from "./support/png.ts";

const out = (name: string) => fileURLToPath(new URL(`../../docs/screenshots/${name}.png`, import.meta.url));

test.skip(
  !process.env.PARLOR_SCREENSHOTS,
  "writes docs/screenshots only when PARLOR_SCREENSHOTS=1 (bun run screenshots)",
);

/** Uploads a file as `token`'s user: FormData over HTTP, as the app's client sends it. */
async function upload(baseURL: string, token: string, file: File): Promise<Attachment> {
  const form = new FormData();
  form.append("file", file);
  const res = await fetch(`${baseURL}/trpc/attachment.upload`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: Attachment } }).result.data;
}

test("the room page, desktop and phone, light and dark, and in Spanish", async ({ page, baseURL, browser }) => {
  const room = "design";
  const ben = await apiUser(baseURL!, "ben");
  const cat = await apiUser(baseURL!, "cat");
  const dan = await apiUser(baseURL!, "dan");
  await signUp(page, "ann", `/room/${room}/`);
  const say = (who: typeof ben, text: string, more: { replyTo?: number; attachments?: string[] } = {}) =>
    who.client.room.send.mutate({ room, text, ...more });

  await sendFromPage(page, "Morning all! The new timeline is in — have a look before the demo.");
  const kickoff = (await page.locator("#messages .message").last().getAttribute("data-seq"))!;
  await say(ben, "Oh nice, one name per group and the lines underneath.");
  await say(ben, "Much easier to read than the cards.");
  await say(cat, '```ts\ntheme.set("dark"); // remembered on this device\n```');
  const image = await upload(
    baseURL!,
    dan.token,
    new File([new Uint8Array(png(200, 96, 7))], "mockup.png", { type: "image/png" }),
  );
  const mockup = await say(dan, "The phone mockup, for comparison:", { attachments: [image.id] });
  for (const [who, emoji] of [
    [ben, "🎉"],
    [cat, "🎉"],
    [ben, "👀"],
  ] as const)
    await who.react(room, mockup.seq, emoji);
  await say(ben, "Agreed, let's ship it on Friday.", { replyTo: Number(kickoff) });
  const ask = await say(dan, "@ann can you check the dark theme on a phone?");
  await dan.client.room.edit.mutate({
    room,
    seq: ask.seq,
    text: "@ann can you check the dark theme on a phone before Friday?",
  });

  // Read as they arrived (no "New messages" line): the page stayed open at the bottom.
  await expect(page.locator("#messages .message")).toHaveCount(7);
  await expect(page.locator("#messages .edited")).toBeVisible();
  await expect(page.locator("#messages .reactions .chip")).toHaveCount(2);
  // Read where it is open: the sidebar's badge for it goes once the reading is told to the server.
  await expect(
    page.getByRole("navigation", { name: "Your rooms" }).locator(`li[data-room="${room}"] .badge`),
  ).toHaveCount(0);
  for (const [device, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(viewport);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      // Nothing hovered or focused: the picture shows the resting page.
      await page.mouse.move(0, 0);
      await page.locator("#messageInput").blur();
      await page.evaluate(() => document.getElementById("messages")!.scrollTo(0, 1e6));
      await page.screenshot({
        path: out(`room-${device}-${colorScheme}`),
        scale: "css",
        animations: "disabled",
        caret: "hide",
      });
    }
  }

  // The same room for a reader whose browser speaks Spanish (ann has chosen no language: the browser's is used).
  const es = await browser.newContext({
    baseURL,
    locale: "es-ES",
    storageState: await page.context().storageState(),
    viewport: { width: 1280, height: 800 },
    colorScheme: "light",
  });
  const spanish = await es.newPage();
  await spanish.goto(`/room/${room}/`);
  await expect(spanish.locator("html")).toHaveAttribute("lang", "es");
  await expect(spanish.locator("#messages .message")).toHaveCount(7);
  await expect(spanish.locator("#sendBtn")).toHaveText("Enviar");
  await spanish.locator("#messageInput").blur();
  await spanish.evaluate(() => document.getElementById("messages")!.scrollTo(0, 1e6));
  await spanish.screenshot({ path: out("room-desktop-light-es"), scale: "css", animations: "disabled", caret: "hide" });
  await es.close();
});
