/**
 * The account page in a real browser against the production build: two
 * browsers signed in as one person; a password change signs the other out and
 * keeps this one; "sign out everywhere" signs both out. The page runs under the
 * server's Content-Security-Policy without a single violation.
 */
import { expect, type Page, test } from "@playwright/test";
import { openRoom, PASSWORD, sendFromPage, signUp, uniqueName } from "./support/app.ts";

const NEW_PASSWORD = "a new and longer password";

/** Collects CSP violations the page reports (blocked scripts, styles, sockets, frames). */
function recordCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Account" })).toContainText(`Signed in as ${username}`);
}

test("change the password and sign out everywhere from /account, reached from the site header", async ({
  page,
  browser,
}) => {
  const violations = recordCspViolations(page);
  const username = uniqueName("acct");
  await signUp(page, username);
  // A room page talks over the WebSocket: the CSP's connect-src must let it.
  await openRoom(page, uniqueName("csp"));
  await sendFromPage(page, "under the policy");
  const phoneContext = await browser.newContext();
  const phone = await phoneContext.newPage();
  await signIn(phone, username, PASSWORD);

  // The header leads to the account page, served with the app's CSP.
  const served = page.waitForResponse((r) => new URL(r.url()).pathname === "/account");
  await page.goto("/account");
  const csp = (await served).headers()["content-security-policy"] ?? "";
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  await page.goto("/");
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Account" }).click();
  await expect(page).toHaveURL("/account");
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();

  // Two sessions: this browser first.
  const sessions = page.getByRole("list", { name: "Sessions" }).getByRole("listitem");
  await expect(sessions).toHaveCount(2);
  await expect(sessions.first()).toContainText("This browser");
  await expect(sessions.nth(1)).toContainText("Another device or browser");

  // A wrong current password is refused with the server's reason; a mismatch before sending.
  await page.getByLabel("Current password").fill("not the password");
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Repeat new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert").first()).toHaveText("Your current password is not right.");
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("Repeat new password").fill("something else");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert").first()).toHaveText("The new passwords differ.");

  await page.getByLabel("Repeat new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("form", { name: "Change password" }).getByRole("status")).toHaveText(
    "Password changed. 1 other session was signed out; this browser stays signed in.",
  );
  await expect(sessions).toHaveCount(1);
  // The phone is signed out; this browser is not.
  await phone.reload();
  await expect(phone.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("navigation", { name: "Account" })).toContainText(`Signed in as ${username}`);

  // Sign in on the phone with the new password, then sign out everywhere from here.
  await signIn(phone, username, NEW_PASSWORD);
  await page.reload();
  await expect(sessions).toHaveCount(2);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" })).toBeVisible();
  await phone.reload();
  await expect(phone.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" })).toBeVisible();

  expect(violations).toEqual([]);
  await phoneContext.close();
});

test("?next= that points off the site lands on the site's own start page after signing in", async ({ page }) => {
  const username = uniqueName("nexter");
  await signUp(page, username);
  await page.getByRole("navigation", { name: "Account" }).getByRole("button", { name: "Sign out" }).click();
  for (const next of [
    "//evil.example/",
    "/\t/evil.example",
    "/%2F/evil.example",
    "javascript:alert(1)",
    "https://evil.example/",
  ]) {
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL("/");
    await page.getByRole("navigation", { name: "Account" }).getByRole("button", { name: "Sign out" }).click();
    await expect(
      page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" }),
    ).toBeVisible();
  }
});
