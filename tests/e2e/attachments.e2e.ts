/**
 * Files and images in the room page, against the real server: dropped, pasted
 * and picked files upload with a progress bar (cancel, an error per file), Send
 * waits for them; images show inline at their thumbnail size reserved before
 * they load, open in a lightbox driven by the keyboard; other files show as a
 * card with a download link; a message with a file typed offline goes once,
 * in order, when the network is back; and axe finds nothing with images and
 * code blocks on screen.
 */
import type { AppRouter } from "@parlor/client";
import { expect, type Page, test } from "@playwright/test";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { startParlorProcess } from "../support/parlor-process.ts";
import { shownTexts, signUp, uniqueName } from "./support/app.ts";
import { axeViolations } from "./support/axe.ts";
import { png } from "./support/png.ts";

interface FileSpec {
  name: string;
  type: string;
  bytes: Buffer;
}

const image = (name: string, width: number, height: number, seed = 0): FileSpec => ({
  name,
  type: "image/png",
  bytes: png(width, height, seed),
});
const text = (name: string, content: string): FileSpec => ({ name, type: "text/plain", bytes: Buffer.from(content) });
const forPage = (files: FileSpec[]) =>
  files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString("base64") }));

/** Drops files on the composer as a drag from the desktop does: dragover, then drop, with a DataTransfer holding them. */
async function dropOnComposer(page: Page, files: FileSpec[]) {
  await page.evaluate((list) => {
    const data = new DataTransfer();
    for (const f of list)
      data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    const composer = document.querySelector("form.composer")!;
    composer.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
    composer.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  }, forPage(files));
}

/** Pastes files into the text box as a screenshot from the clipboard is pasted. */
async function pasteInComposer(page: Page, files: FileSpec[]) {
  await page.evaluate((list) => {
    const data = new DataTransfer();
    for (const f of list)
      data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    document
      .querySelector("#messageInput")!
      .dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, forPage(files));
}

/** The room's stored messages, oldest first: text and attachment names, as the server has them. */
async function stored(baseURL: string, room: string) {
  const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${baseURL}/trpc` })] });
  const page = await client.room.history.query({ room, limit: 100 });
  return page.messages.map((m) => ({ text: m.text, files: m.attachments.map((a) => a.name) })).reverse();
}

const tray = (page: Page) => page.locator(".composer .upload-item");
const lastMessage = (page: Page) => page.locator("#messages .message").last();

async function enterRoom(page: Page, prefix: string) {
  const room = uniqueName(prefix);
  await signUp(page, uniqueName("ann"), `/room/${room}/`);
  await expect(page.locator("#connection-status")).toHaveText("Live");
  return room;
}

test.describe("files and images", () => {
  test("a dropped image and a pasted screenshot upload, Send waits for them, and the message shows both at their thumbnail size, named by alt text", async ({
    page,
    baseURL,
  }) => {
    const room = await enterRoom(page, "files");
    // The first upload is held back, so Send is pressed while it is still in flight.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    await page.route("**/trpc/attachment.upload", async (route) => {
      if (first) {
        first = false;
        await held;
      }
      await route.continue();
    });

    await dropOnComposer(page, [image("wide.png", 800, 600, 1)]);
    await pasteInComposer(page, [image("screenshot.png", 300, 600, 2)]);
    await expect(tray(page).locator(".upload-name")).toHaveText(["wide.png", "screenshot.png"]);
    await expect(page.getByRole("progressbar", { name: "Uploading wide.png" })).toBeVisible();
    // The pasted image added nothing to the text box.
    await expect(page.locator("#messageInput")).toHaveValue("");

    await page.locator("#messageInput").fill("two pictures");
    await page.locator("#messageInput").press("Enter");
    await expect(page.locator(".upload-waiting")).toHaveText("Sending when the uploads finish…");
    expect(await stored(baseURL!, room)).toEqual([]);
    release();

    await expect(lastMessage(page).locator(".text")).toHaveText("two pictures");
    const thumbs = lastMessage(page).locator(".attachment-thumb img");
    await expect(thumbs).toHaveCount(2);
    await expect(tray(page)).toHaveCount(0);
    // Alt text is the file's name; the size is set by attributes before the image loads (no jump): fitted in 320 × 240.
    expect(
      await thumbs.evaluateAll((imgs) =>
        imgs.map((i) => [i.getAttribute("alt"), i.getAttribute("width"), i.getAttribute("height")]),
      ),
    ).toEqual([
      ["wide.png", "320", "240"],
      ["screenshot.png", "120", "240"],
    ]);
    const box = await thumbs.first().boundingBox();
    expect([Math.round(box!.width), Math.round(box!.height)]).toEqual([320, 240]);
    await expect
      .poll(() =>
        thumbs.evaluateAll((imgs) =>
          imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0),
        ),
      )
      .toBe(true);
    expect(await stored(baseURL!, room)).toEqual([{ text: "two pictures", files: ["wide.png", "screenshot.png"] }]);
  });

  test("the reserved size holds while the thumbnail has not loaded, and stays when it arrives (no layout jump)", async ({
    page,
  }) => {
    await enterRoom(page, "nojump");
    await dropOnComposer(page, [image("tall.png", 400, 800, 3)]);
    await expect(tray(page).first()).toHaveAttribute("data-state", "done");
    // Thumbnails are held back: the layout must already have the image's box.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/files/*/thumbnail", async (route) => {
      await held;
      await route.continue();
    });
    await page.locator("#messageInput").press("Enter");
    const thumb = lastMessage(page).locator(".attachment-thumb img");
    await expect(thumb).toHaveCount(1);
    expect(await thumb.evaluate((i) => (i as HTMLImageElement).complete)).toBe(false);
    const before = await thumb.boundingBox();
    expect([Math.round(before!.width), Math.round(before!.height)]).toEqual([120, 240]);
    release();
    await expect.poll(() => thumb.evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await thumb.boundingBox()).toEqual(before);
  });

  test("the lightbox by keyboard: Enter on a thumbnail opens it at full size, arrows move between the message's images, Esc closes and the focus is back", async ({
    page,
  }) => {
    await enterRoom(page, "lightbox");
    await dropOnComposer(page, [image("first.png", 640, 480, 4), image("second.png", 200, 100, 5)]);
    await expect(tray(page).filter({ has: page.locator("progress") })).toHaveCount(0);
    await page.locator("#messageInput").press("Enter");
    const thumbs = lastMessage(page).locator(".attachment-thumb");
    await expect(thumbs).toHaveCount(2);

    await thumbs.first().focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "first.png, image 1 of 2" });
    await expect(dialog).toBeVisible();
    const full = dialog.getByRole("img", { name: "first.png" });
    await expect(full).toHaveAttribute("src", /^\/files\/[A-Za-z0-9_-]+\/first\.png$/);
    await expect
      .poll(() => full.evaluate((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]))
      .toEqual([640, 480]);

    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("dialog", { name: "second.png, image 2 of 2" })).toBeVisible();
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("dialog", { name: "second.png, image 2 of 2" })).toBeVisible();
    await page.keyboard.press("ArrowLeft");
    await expect(page.getByRole("dialog", { name: "first.png, image 1 of 2" })).toBeVisible();

    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(thumbs.first()).toBeFocused();
  });

  test("a file that is not an image: picked with the attach button, shown as a card with its name, size and a download link", async ({
    page,
  }) => {
    await enterRoom(page, "card");
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Attach files" }).click();
    const notes = text("notes.txt", "x".repeat(1536));
    await (await chooser).setFiles({ name: notes.name, mimeType: notes.type, buffer: notes.bytes });
    await expect(tray(page).first()).toHaveAttribute("data-state", "done");
    await page.locator("#messageInput").press("Enter");

    const card = lastMessage(page).locator(".attachment-card");
    await expect(card.locator(".attachment-name")).toHaveText("notes.txt");
    await expect(card.locator(".attachment-size")).toHaveText("1.5 KB");
    await expect(card.locator("svg.icon")).toHaveCount(1);
    const link = card.getByRole("link", { name: "Download notes.txt, 1.5 KB" });
    const href = await link.getAttribute("href");
    expect(href).toMatch(/^\/files\/[A-Za-z0-9_-]+\/notes\.txt$/);
    const body = await page.evaluate((url) => fetch(url).then((r) => r.text()), href!);
    expect(body).toBe("x".repeat(1536));
  });

  test("cancel: a file still uploading is taken off, its request aborted, and the message goes without it", async ({
    page,
    baseURL,
  }) => {
    const room = await enterRoom(page, "cancel");
    await page.route("**/trpc/attachment.upload", () => {
      // Never answered: the upload stays in flight until cancelled.
    });
    await dropOnComposer(page, [image("slow.png", 50, 50)]);
    await expect(page.getByRole("progressbar", { name: "Uploading slow.png" })).toBeVisible();
    await page.getByRole("button", { name: "Cancel upload of slow.png" }).click();
    await expect(tray(page)).toHaveCount(0);
    await page.locator("#messageInput").fill("just text");
    await page.locator("#messageInput").press("Enter");
    await expect(lastMessage(page).locator(".text")).toHaveText("just text");
    expect(await stored(baseURL!, room)).toEqual([{ text: "just text", files: [] }]);
  });

  test("too big: the file says so, by the server's code, and the message is not sent until it is removed", async ({
    browser,
  }) => {
    const server = await startParlorProcess({ env: { HOST: "localhost", MAX_UPLOAD_BYTES: "100000" } });
    const context = await browser.newContext({ baseURL: server.url });
    try {
      const page = await context.newPage();
      const room = await enterRoom(page, "toobig");
      await dropOnComposer(page, [text("big.txt", "y".repeat(300_000)), text("small.txt", "fine")]);
      const big = tray(page).filter({ hasText: "big.txt" }).first();
      await expect(big.getByRole("alert")).toHaveText("Too big: this file is over the server's size limit.");
      await expect(tray(page).filter({ hasText: "small.txt" })).toHaveAttribute("data-state", "done");
      await page.locator("#messageInput").fill("with a big file");
      await page.locator("#messageInput").press("Enter");
      await expect(page.locator("#composer-error")).toHaveText(
        "Remove the files that could not be uploaded (big.txt), then send.",
      );
      expect(await stored(server.url, room)).toEqual([]);
      await big.getByRole("button", { name: "Remove big.txt" }).click();
      await page.locator("#messageInput").press("Enter");
      await expect(lastMessage(page).locator(".attachment-name")).toHaveText("small.txt");
      expect(await stored(server.url, room)).toEqual([{ text: "with a big file", files: ["small.txt"] }]);
    } finally {
      await context.close();
      await server.dispose();
    }
  });

  test("offline: a message with a file typed with no network waits as 'sending…', then is uploaded and sent once, in order, when the network is back", async ({
    page,
    context,
    baseURL,
  }) => {
    const room = await enterRoom(page, "offline_files");
    await context.setOffline(true);
    await expect(page.locator("#connection-status")).not.toHaveText("Live");
    await page.locator("#messageInput").fill("first, no file");
    await page.locator("#messageInput").press("Enter");
    await dropOnComposer(page, [image("offline.png", 120, 90, 6)]);
    await expect(tray(page).first()).toHaveAttribute("data-state", "held");
    await expect(tray(page).first()).toContainText("Offline: uploads with the message when you are back online.");
    await page.locator("#messageInput").fill("a photo from the train");
    await page.locator("#messageInput").press("Enter");
    await expect(tray(page)).toHaveCount(0);
    await page.locator("#messageInput").fill("last");
    await page.locator("#messageInput").press("Enter");
    const pending = page.locator("#messages .outbox-message");
    await expect(pending).toHaveCount(3);
    await expect(pending.nth(1).locator(".outbox-files li")).toContainText("offline.png");
    expect(await stored(baseURL!, room)).toEqual([]);

    await context.setOffline(false);
    await expect(pending).toHaveCount(0, { timeout: 15_000 });
    await expect.poll(() => shownTexts(page)).toEqual(["first, no file", "a photo from the train", "last"]);
    await expect(page.locator("#messages .message .attachment-thumb img")).toHaveAttribute("alt", "offline.png");
    expect(await stored(baseURL!, room)).toEqual([
      { text: "first, no file", files: [] },
      { text: "a photo from the train", files: ["offline.png"] },
      { text: "last", files: [] },
    ]);
    // The bytes kept for it offline are gone once it is sent.
    const held = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open("parlor-held-files");
          open.onsuccess = () => {
            const count = open.result.transaction("files").objectStore("files").count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
    expect(held).toBe(0);
  });

  test("axe: a room with images, a file card, a code block and the open lightbox has no violations", async ({
    page,
  }) => {
    await enterRoom(page, "axe_files");
    await page.locator("#messageInput").fill("```ts\nconst answer: number = 42;\n```");
    await page.locator("#messageInput").press("Enter");
    await dropOnComposer(page, [image("chart.png", 500, 300, 7), text("readme.txt", "read me")]);
    await expect(tray(page).filter({ has: page.locator("progress") })).toHaveCount(0);
    await page.locator("#messageInput").fill("the **chart**");
    await page.locator("#messageInput").press("Enter");
    await expect(lastMessage(page).locator(".attachment-thumb img")).toHaveCount(1);
    await expect(page.locator("#messages pre code")).toHaveCount(1);

    const violations = () => axeViolations(page);
    expect(await violations()).toEqual([]);
    // And with files waiting in the composer (progress bar, an error).
    await page.route("**/trpc/attachment.upload", () => {});
    await dropOnComposer(page, [image("pending.png", 10, 10)]);
    await expect(page.getByRole("progressbar", { name: "Uploading pending.png" })).toBeVisible();
    expect(await violations()).toEqual([]);

    await lastMessage(page).locator(".attachment-thumb").focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("dialog", { name: "chart.png" })).toBeVisible();
    expect(await violations()).toEqual([]);
  });
});
