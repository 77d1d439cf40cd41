import { expect, test } from "@playwright/test";
import { startParlorProcess } from "../support/parlor-process.ts";
import { quietFor } from "../support/wait.ts";
import { apiUser, openRoom, shownTexts, uniqueName } from "./support/app.ts";

test.describe("a dropped connection", () => {
  test("going offline shows 'Reconnecting…'; what was sent meanwhile appears once each on coming back", async ({
    page,
    context,
    baseURL,
  }) => {
    const room = uniqueName("offline");
    const bot = await apiUser(baseURL!);
    await bot.send(room, "before the drop");
    await openRoom(page, room);
    await expect(page.locator("#messages")).toContainText("before the drop");

    await context.setOffline(true);
    await expect(page.locator("#connection-status")).toHaveText("Reconnecting…");
    for (const n of [1, 2, 3]) await bot.send(room, `while offline ${n}`);
    await quietFor(300, () => shownTexts(page), "the messages shown while offline");
    expect(await shownTexts(page)).toEqual(["before the drop"]);

    await context.setOffline(false);
    await expect(page.locator("#connection-status")).toHaveText("Live", { timeout: 15_000 });
    await expect
      .poll(() => shownTexts(page))
      .toEqual(["before the drop", "while offline 1", "while offline 2", "while offline 3"]);
    await bot.send(room, "after coming back");
    await expect
      .poll(() => shownTexts(page))
      .toEqual(["before the drop", "while offline 1", "while offline 2", "while offline 3", "after coming back"]);
  });

  test("a server restart closes the socket; the page resumes with nothing missing and nothing twice", async ({
    page,
  }) => {
    // A server of this test's own, on "localhost" as the suite's (the browser keeps its Secure cookie over plain HTTP).
    const server = await startParlorProcess({ env: { HOST: "localhost" } });
    try {
      const room = uniqueName("restart");
      const bot = await apiUser(server.url);
      await bot.send(room, "before the restart");
      await page.goto(`${server.url}/room/${room}/`);
      await expect(page.locator("#connection-status")).toHaveText("Live");
      await bot.send(room, "live before the restart");
      await expect.poll(() => shownTexts(page)).toEqual(["before the restart", "live before the restart"]);

      await server.stop();
      await expect(page.locator("#connection-status")).toHaveText("Reconnecting…");
      await server.restart();
      for (const n of [1, 2, 3]) await bot.send(room, `after the restart ${n}`);

      await expect(page.locator("#connection-status")).toHaveText("Live", { timeout: 15_000 });
      await expect
        .poll(() => shownTexts(page), { timeout: 15_000 })
        .toEqual([
          "before the restart",
          "live before the restart",
          "after the restart 1",
          "after the restart 2",
          "after the restart 3",
        ]);
    } finally {
      await server.dispose();
    }
  });
});
