import { expect, test } from "@playwright/test";
import { openRoom, sendFromPage, signUp, uniqueName } from "./support/app.ts";

test.describe("who is here", () => {
  test("two people see each other and each other's typing; a guest is counted; the index counts them; leaving is seen", async ({
    browser,
  }) => {
    const room = uniqueName("here");
    const [alice, bob, guest] = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
    const [a, b, g] = await Promise.all([alice.newPage(), bob.newPage(), guest.newPage()]);
    const aliceName = uniqueName("alice");
    const bobName = uniqueName("bob");
    await signUp(a, aliceName, `/room/${room}/`);
    await expect(a.locator("#presence-list")).toContainText(`${aliceName} (you)`);
    await signUp(b, bobName, `/room/${room}/`);

    // Each sees the other; the one already there is told who arrived, the newcomer is told nothing.
    await expect(a.locator("#presence-list")).toContainText(bobName);
    await expect(b.locator("#presence-list")).toContainText(aliceName);
    await expect(a.locator("#presence-notice")).toHaveText(`${bobName} joined`);
    await expect(b.locator("#presence-notice")).toBeEmpty();

    // Bob types: Alice sees it, Bob does not see himself; his message clears it at once (long before the 5 s expiry).
    await b.locator("#messageInput").fill("hello al");
    await expect(a.locator("#typing-indicator")).toHaveText(`${bobName} is typing…`);
    await expect(b.locator("#typing-indicator")).toBeEmpty();
    await b.locator("#messageInput").fill("hello alice");
    await b.locator("#messageInput").press("Enter");
    await expect(a.locator("#messages")).toContainText("hello alice");
    await expect(a.locator("#typing-indicator")).toBeEmpty({ timeout: 2_500 });

    // Typing again, then stopping without sending: the indicator goes once the signal expires.
    await b.locator("#messageInput").fill("one more th");
    await expect(a.locator("#typing-indicator")).toHaveText(`${bobName} is typing…`);
    const stoppedAt = Date.now();

    // Meanwhile a guest comes in: counted, not named.
    await openRoom(g, room);
    await expect(a.locator("#presence-list")).toContainText("+ 1 guest");
    await expect(a.locator("#presence-heading")).toHaveText("Here now (3)");

    // The index, opened beside the guest's room page, counts all three.
    const index = await guest.newPage();
    await index.goto("/");
    await expect(
      index.getByRole("listitem").filter({ has: index.getByRole("link", { name: `#${room}` }) }),
    ).toContainText("3 here now");
    await index.close();

    await expect(a.locator("#typing-indicator")).toBeEmpty({ timeout: 8_000 });
    expect(Date.now() - stoppedAt).toBeLessThan(7_500);

    // Closing a page leaves the room.
    await b.close();
    await expect(a.locator("#presence-list")).not.toContainText(bobName);
    await expect(a.locator("#presence-notice")).toHaveText(`${bobName} left`);
    await g.close();
    await expect(a.locator("#presence-list")).not.toContainText("guest");
    await expect(a.locator("#presence-heading")).toHaveText("Here now (1)");
    await sendFromPage(a, "still here");
    await Promise.all([alice.close(), bob.close(), guest.close()]);
  });
});
