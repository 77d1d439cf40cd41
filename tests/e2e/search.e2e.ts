import { expect, test } from "@playwright/test";
import { apiUser, openRoom, signUp, uniqueName } from "./support/app.ts";

test.describe("search", () => {
  test("searching from a room finds an old message, marks the word, and the result jumps to it in context", async ({
    page,
    baseURL,
  }) => {
    const room = uniqueName("searchable");
    const word = uniqueName("needle").replace("_", "");
    const bot = await apiUser(baseURL!);
    const target = await bot.send(room, `the ${word} is <b>here</b>`);
    // More than the first page the room shows: the message is not on screen until it is looked for.
    for (let i = 0; i < 120; i++) await bot.send(room, `filler ${i}`);

    await signUp(page, uniqueName("seeker"), `/room/${room}/`);
    await expect(page.locator("#connection-status")).toHaveText("Live");
    await expect(page.locator(`#messages .message[data-seq="${target.seq}"]`)).toHaveCount(0);

    await page.getByRole("searchbox", { name: "Search messages" }).fill(word.toUpperCase());
    await page.getByRole("searchbox", { name: "Search messages" }).press("Enter");
    const hit = page.locator("#all-search-results .search-hit");
    await expect(hit).toHaveCount(1);
    await expect(hit.locator("mark")).toHaveText(word);
    // The text stays text: the markup in it is shown, not rendered.
    await expect(hit.locator(".search-text")).toHaveText(`the ${word} is <b>here</b>`);
    await expect(hit.locator("b")).toHaveCount(0);

    await hit.getByRole("link").click();
    await expect(page).toHaveURL(`/room/${room}/?at=${target.seq}`);
    const shown = page.locator(`#messages .message[data-seq="${target.seq}"]`);
    await expect(shown).toHaveClass(/\btarget\b/);
    await expect(shown).toBeInViewport();
    await expect(shown.locator(".text")).toHaveText(`the ${word} is <b>here</b>`);
  });

  test("the header searches across rooms, on the index too, and opens the room at the result", async ({
    page,
    baseURL,
  }) => {
    const word = uniqueName("acrossword").replace("_", "");
    const [first, second] = [uniqueName("alpha"), uniqueName("beta")];
    const bot = await apiUser(baseURL!);
    await bot.send(first, `${word} in the first room`);
    const newer = await bot.send(second, `${word} in the second room`);
    await openRoom(page, first);
    await page.goto("/");
    await page.getByRole("searchbox", { name: "Search messages" }).fill(word);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const hits = page.locator("#all-search-results .search-hit");
    await expect(hits).toHaveCount(2);
    await expect(hits.first().locator(".search-room")).toHaveText(`#${second}`);
    await hits.first().getByRole("link").click();
    await expect(page).toHaveURL(`/room/${second}/?at=${newer.seq}`);
    await expect(page.locator(`#messages .message[data-seq="${newer.seq}"]`)).toHaveClass(/\btarget\b/);
  });
});
