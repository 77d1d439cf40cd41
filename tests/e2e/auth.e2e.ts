import { expect, test } from "@playwright/test";
import { openRoom, PASSWORD, sendFromPage, signUp, uniqueName } from "./support/app.ts";

test.describe("accounts", () => {
  test("sign up, sign out, then sign in again; a wrong password is explained", async ({ page }) => {
    const username = uniqueName("user");
    const account = page.getByRole("navigation", { name: "Account" });
    await signUp(page, username);

    await account.getByRole("button", { name: "Sign out" }).click();
    await expect(account.getByRole("link", { name: "Sign in" })).toBeVisible();
    await expect(account).not.toContainText(username);
    // Signed out for the server too, not just on this page.
    await page.reload();
    await expect(account.getByRole("link", { name: "Sign in" })).toBeVisible();

    await account.getByRole("link", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(account).toContainText(`Signed in as ${username}`);
    await page.reload();
    await expect(account).toContainText(`Signed in as ${username}`);
  });

  test("a taken username is refused with the server's reason", async ({ page, browser }) => {
    const username = uniqueName("taken");
    await signUp(page, username);
    const other = await browser.newContext();
    const second = await other.newPage();
    await second.goto("/login?mode=signup");
    await second.getByLabel("Username").fill(username);
    await second.getByLabel("Password").fill(PASSWORD);
    await second.getByRole("button", { name: "Create account" }).click();
    await expect(second.getByRole("alert")).toContainText(/taken/i);
    await other.close();
  });

  test("a guest reads a room but is offered sign-in instead of a message box", async ({ page, browser }) => {
    const room = uniqueName("open");
    const writer = await browser.newContext();
    const writerPage = await writer.newPage();
    await signUp(writerPage, uniqueName("writer"), `/room/${room}/`);
    await sendFromPage(writerPage, "readable by guests");

    await openRoom(page, room);
    await expect(page.locator("#messages")).toContainText("readable by guests");
    await expect(page.locator("#messageInput")).toHaveCount(0);
    await expect(page.locator("#sendBtn")).toHaveCount(0);
    await expect(page.getByText("You are reading as a guest.")).toBeVisible();

    await page.getByRole("main").getByRole("link", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByRole("button", { name: "Create an account" }).click();
    const username = uniqueName("joiner");
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    // Back in the room it came from, now able to write, and present by name rather than as a guest.
    await expect(page).toHaveURL(`/room/${room}/`);
    await expect(page.locator("#presence-list")).toContainText(`${username} (you)`);
    await expect(writerPage.locator("#presence-list")).toContainText(username);
    await expect(writerPage.locator("#presence-list")).not.toContainText("guest");
    await sendFromPage(page, "hello from a new member");
    await expect(writerPage.locator("#messages")).toContainText("hello from a new member");
    await writer.close();
  });
});
