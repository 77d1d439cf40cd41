/**
 * Markdown in the timeline, in real Chromium: each feature renders as its
 * element, attack strings stay text (no img, no javascript: href, no script
 * runs, no dialog), code blocks copy, the emoji picker works by keyboard, and
 * axe finds nothing with code blocks on screen.
 */
import { expect, type Page, test } from "@playwright/test";
import { apiUser, openRoom, signUp, uniqueName } from "./support/app.ts";
import { axeViolations } from "./support/axe.ts";

const lastMessage = (page: Page) => page.locator("#messages .message").last();

/** Fails the test if any dialog opens (alert, confirm, prompt) or the page's CSP refuses something. */
function watchForScript(page: Page) {
  const seen: string[] = [];
  page.on("dialog", async (dialog) => {
    seen.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(`csp: ${m.text()}`);
  });
  return seen;
}

test.describe("Markdown in messages", () => {
  test("bold, italic, strikethrough, code, a fenced block, a quote, lists, links, www., a mention and :shortcode: render as their elements", async ({
    page,
    baseURL,
  }) => {
    const room = uniqueName("md");
    const bot = await apiUser(baseURL!);
    await openRoom(page, room);
    await bot.send(
      room,
      [
        "**bold** _italic_ ~~gone~~ `a < b` :tada: hi @ann",
        "see [the docs](https://bun.sh/docs), www.example.org and mailto:ann@example.org",
        "> quoted",
        "",
        "- one",
        "- two",
        "",
        "3. three",
        "",
        "```ts",
        `const line = "${"long ".repeat(60)}";`,
        "```",
      ].join("\n"),
    );
    const m = lastMessage(page);
    await expect(m.locator(".text strong")).toHaveText("bold");
    await expect(m.locator(".text em")).toHaveText("italic");
    await expect(m.locator(".text del")).toHaveText("gone");
    await expect(m.locator(".text code.md-code")).toHaveText("a < b");
    await expect(m.getByRole("img", { name: ":tada:" })).toHaveText("🎉");
    await expect(m.locator(".text .mention")).toHaveText("@ann");
    await expect(m.locator(".text blockquote")).toHaveText("quoted");
    await expect(m.locator(".text ul li")).toHaveText(["one", "two"]);
    await expect(m.locator(".text ol")).toHaveAttribute("start", "3");
    await expect(m.getByRole("link", { name: "the docs" })).toHaveAttribute("href", "https://bun.sh/docs");
    await expect(m.getByRole("link", { name: "www.example.org" })).toHaveAttribute("href", "https://www.example.org/");
    await expect(m.getByRole("link", { name: "www.example.org" })).toHaveAttribute(
      "rel",
      "noopener noreferrer nofollow",
    );
    await expect(m.getByRole("link", { name: "mailto:ann@example.org" })).toHaveAttribute(
      "href",
      "mailto:ann@example.org",
    );

    const block = m.locator(".code-block");
    await expect(block.locator(".code-lang")).toHaveText("ts");
    const pre = block.locator("pre");
    expect(await pre.evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/mono|Menlo|Consolas/i);
    // It scrolls sideways instead of widening the message or wrapping.
    expect(
      await pre.evaluate((el) => el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX === "auto"),
    ).toBe(true);
    expect(await m.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  });

  test("attack strings stay text: no img, no script, no javascript: or data: link, no dialog, nothing runs", async ({
    page,
    baseURL,
  }) => {
    const room = uniqueName("md_attack");
    const bot = await apiUser(baseURL!);
    const seen = watchForScript(page);
    await openRoom(page, room);
    const attacks = [
      '<img src=x onerror="window.__pwned=1;alert(1)">',
      "<script>window.__pwned=2</script>",
      "[click](javascript:window.__pwned=3)",
      "[data](data:text/html,<script>alert(4)</script>)",
      "![pic](https://example.org/track.png)",
      '<a href="javascript:alert(5)">a</a> <iframe src="https://example.org"></iframe> <svg onload=alert(6)>',
      "`<img src=x onerror=alert(7)>`",
    ];
    for (const text of attacks) await bot.send(room, text);
    await expect(page.locator("#messages .message")).toHaveCount(attacks.length);
    await expect(page.locator("#messages .message").first().locator(".text")).toHaveText(attacks[0]!);
    await expect(page.locator("#messages .message").nth(1).locator(".text")).toHaveText(attacks[1]!);
    await expect(
      page.locator("#messages img, #messages script, #messages iframe, #messages svg:not(.icon)"),
    ).toHaveCount(0);
    const hrefs = await page
      .locator("#messages a")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
    for (const href of hrefs) expect(href).toMatch(/^(https?:|mailto:)/);
    // The image's address is only a link (never loaded), and the refused links are their text.
    await expect(page.getByRole("link", { name: "pic" })).toHaveAttribute("href", "https://example.org/track.png");
    await expect(page.getByText("[click](javascript:window.__pwned=3)")).toBeVisible();
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(seen).toEqual([]);
  });

  test("a code block's copy button puts its text on the clipboard", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const room = uniqueName("md_copy");
    await signUp(page, uniqueName("cora"), `/room/${room}/`);
    // Typed with Shift+Enter between lines, as a person would; Enter sends.
    const input = page.locator("#messageInput");
    for (const [i, line] of ["```sh", "bun install", "bun test", "```"].entries()) {
      if (i > 0) await input.press("Shift+Enter");
      await input.pressSequentially(line);
    }
    await input.press("Enter");
    const m = lastMessage(page);
    await expect(m.locator(".code-block pre")).toHaveText("bun install\nbun test");
    await m.getByRole("button", { name: "Copy sh code" }).click();
    await expect(m.getByRole("status")).toHaveText("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("bun install\nbun test");
  });

  test("the emoji picker by keyboard: search, arrows, Enter inserts into the composer; Esc returns the focus; it reacts too", async ({
    page,
  }) => {
    const room = uniqueName("md_emoji");
    await signUp(page, uniqueName("emma"), `/room/${room}/`);
    const input = page.locator("#messageInput");
    await input.fill("party ");

    const open = page.getByRole("button", { name: "Insert emoji" });
    await open.focus();
    await page.keyboard.press("Enter");
    const search = page.getByRole("combobox", { name: "Search emoji to insert" });
    await expect(search).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(search).toHaveCount(0);
    await expect(open).toBeFocused();

    await page.keyboard.press("Enter");
    await page.keyboard.type("tada");
    const options = page.getByRole("listbox", { name: "Emoji to insert" }).getByRole("option");
    await expect(options.first()).toHaveAccessibleName(":tada:");
    await expect(options.first()).toHaveAttribute("aria-selected", "true");
    await page.keyboard.press("Enter");
    await expect(input).toHaveValue("party 🎉");
    await expect(input).toBeFocused();

    // Arrows move through the matches: → picks the second heart.
    await open.click();
    await page.keyboard.type("heart");
    await page.keyboard.press("ArrowRight");
    const second = page.getByRole("listbox", { name: "Emoji to insert" }).getByRole("option").nth(1);
    await expect(second).toHaveAttribute("aria-selected", "true");
    const secondEmoji = await second.textContent();
    await page.keyboard.press("Enter");
    await expect(input).toHaveValue(`party 🎉${secondEmoji}`);
    await input.press("Enter");
    const m = lastMessage(page);
    await expect(m.locator(".text")).toHaveText(`party 🎉${secondEmoji}`);

    // For reactions: React → More emoji → search → Enter reacts.
    await m.focus();
    await m.getByRole("button", { name: "React" }).click();
    await m.getByRole("button", { name: "More emoji" }).click();
    await expect(m.getByRole("combobox", { name: "Search emoji to react with" })).toBeFocused();
    await page.keyboard.type("rocket");
    await page.keyboard.press("Enter");
    await expect(m.getByRole("button", { name: "🚀 1" })).toHaveAttribute("aria-pressed", "true");
  });

  test("axe finds no violation with code blocks, quotes, lists, mentions and emoji on screen, in light and dark", async ({
    page,
    baseURL,
  }) => {
    const room = uniqueName("md_axe");
    const bot = await apiUser(baseURL!);
    await bot.send(
      room,
      `**hi** @${bot.username} :wave: \`inline\`\n\n> a quote\n\n1. one\n2. two\n\n\`\`\`js\nconsole.log("${"wide ".repeat(40)}");\n\`\`\``,
    );
    await bot.send(room, "```\nno language\n```\n[a link](https://example.org) ~~old~~");
    await signUp(page, uniqueName("axel"), `/room/${room}/`);
    await expect(page.locator("#messages .code-block")).toHaveCount(2);
    // The composer's picker open as well.
    await page.getByRole("button", { name: "Insert emoji" }).click();
    await expect(page.getByRole("listbox", { name: "Emoji to insert" })).toBeVisible();
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await axeViolations(page)).toEqual([]);
    }
  });
});
