/**
 * What the browser scenarios share: unique names (every test shares one server),
 * signing up through the page itself, a typed tRPC client for users who act
 * outside the browser, and reading the message list as a person sees it.
 */
import { randomBytes } from "node:crypto";
import type { AppRouter } from "@parlor/client";
import { expect, type Locator, type Page } from "@playwright/test";
import { createTRPCClient, httpBatchLink } from "@trpc/client";

export const PASSWORD = "correct horse battery";

/** A username or room name no other test uses (letters, digits and '_': valid for both). */
export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString("hex")}`;

/** Signs up through /login, as a person would, and waits to land on `next`. */
export async function signUp(page: Page, username: string, next = "/"): Promise<void> {
  await page.goto(`/login?mode=signup&next=${encodeURIComponent(next)}`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(next);
  await expect(page.getByRole("navigation", { name: "Account" })).toContainText(`Signed in as ${username}`);
}

/**
 * A user who talks to the server with the project's types over plain HTTP (the
 * test runner has no WebSocket): registers and returns a client with its token.
 */
export async function apiUser(baseURL: string, username = uniqueName("bot")) {
  const client = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({ url: `${baseURL}/trpc`, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) }),
      ],
    });
  const { token } = await client().auth.register.mutate({ username, password: PASSWORD });
  const chat = client(token);
  return {
    username,
    /** The session token, for what the typed client here does not carry (an upload's FormData). */
    token,
    send: (room: string, text: string) => chat.room.send.mutate({ room, text }),
    reply: (room: string, replyTo: number, text: string) => chat.room.send.mutate({ room, text, replyTo }),
    react: (room: string, seq: number, emoji: string) => chat.room.react.mutate({ room, seq, emoji, add: true }),
    /** The whole typed client, for rooms and membership. */
    client: chat,
  };
}

/** Opens a room page and waits until its live stream is up. */
export async function openRoom(page: Page, room: string): Promise<void> {
  await page.goto(`/room/${room}/`);
  await expect(page.getByRole("heading", { name: `#${room}` })).toBeVisible();
  await expect(page.locator("#connection-status")).toHaveText("Live");
}

/** The texts of the messages shown, top to bottom. */
export const shownTexts = (page: Page) => page.locator("#messages .message .text").allInnerTexts();

/** Types a message and presses Enter, then waits for it to show. */
export async function sendFromPage(page: Page, text: string): Promise<void> {
  await page.locator("#messageInput").fill(text);
  await page.locator("#messageInput").press("Enter");
  await expect(page.locator("#messages .message .text").filter({ hasText: text }).last()).toBeVisible();
  await expect(page.locator("#messageInput")).toHaveValue("");
}

/**
 * Shows a message's actions as a mouse user does (hovering), and keeps them
 * shown with the message focused (as a click on it does): the timeline may
 * move under the pointer (a layout change above it), which would leave
 * another message hovered and this one's buttons hidden before the click.
 */
export async function hoverActions(message: Locator, name = "Message actions"): Promise<Locator> {
  const toolbar = message.getByRole("toolbar", { name });
  await message.hover();
  await message.focus();
  await expect(toolbar).toBeVisible();
  return toolbar;
}
