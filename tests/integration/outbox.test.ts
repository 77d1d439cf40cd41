/**
 * The web app's outbox (client/app/lib/outbox.ts) over the real client and a
 * real server: the server's dedupe by clientId makes a send whose answer was
 * lost safe to repeat, and its refusals read as "not sent" with its reason.
 */
import { describe, expect, test } from "bun:test";
import { deniesAccess } from "../../client/app/lib/history-cache.ts";
import { classifySendError, createOutbox, type KeyValueStorage } from "../../client/app/lib/outbox.ts";
import { startTestServer } from "../support/server.ts";

class MemoryStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

const texts = async (
  client: Awaited<ReturnType<Awaited<ReturnType<typeof startTestServer>>["signUp"]>>["client"],
  room: string,
) => (await client.room.history.query({ room, limit: 100 })).messages.map((m) => m.text).reverse();

describe("outbox against a real server", () => {
  test("answers lost after the server stored each message: sent again with the same clientIds, each is stored once, in order", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp("ann");
    let loseAnswers = true;
    const outbox = createOutbox({
      storage: new MemoryStorage(),
      user: ann.username,
      room: "lobby",
      send: async (entry) => {
        const message = await ann.client.room.send.mutate({ room: "lobby", ...entry });
        // The message is stored; the page never hears so (the connection dropped on the way back).
        if (loseAnswers) throw new TypeError("Failed to fetch");
        return message;
      },
      online: () => false,
    });
    outbox.add("one");
    await outbox.flush();
    loseAnswers = false;
    outbox.add("two");
    await outbox.flush();
    expect(await texts(ann.client, "lobby")).toEqual(["one", "two"]);
    expect(outbox.entries()).toEqual([]);
  });

  test("over the send limit: the server's TOO_MANY_REQUESTS is 'failed' with its message; later ones too, and a retry after the refill stores it", async () => {
    await using server = await startTestServer({ SEND_BURST: "2", SEND_PER_SECOND: "2" });
    const ann = await server.signUp("ann");
    const outbox = createOutbox({
      storage: new MemoryStorage(),
      user: ann.username,
      room: "lobby",
      send: (entry) => ann.client.room.send.mutate({ room: "lobby", ...entry }),
      online: () => false,
    });
    for (const text of ["a", "b", "c", "d"]) outbox.add(text);
    await outbox.flush();
    const refused = outbox.entries();
    expect(await texts(ann.client, "lobby")).toEqual(["a", "b"]);
    expect(refused.map((e) => e.text)).toEqual(["c", "d"]);
    for (const entry of refused) {
      expect(entry.state).toBe("failed");
      expect(entry.reason).toMatch(/^Too many messages: try again in \d+ s\.$/);
    }
    // Two per one-second window: the next window takes them.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    for (const entry of refused) await outbox.retry(entry.clientId);
    expect(await texts(ann.client, "lobby")).toEqual(["a", "b", "c", "d"]);
  });

  test("classifySendError: a refusal by the server is 'refused' with its message; no answer at all is 'unreachable'", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp("ann");
    const error = await ann.client.room.send.mutate({ room: "lobby", text: "x", replyTo: 99 }).catch((e: unknown) => e);
    expect(classifySendError(error)).toEqual({ kind: "refused", reason: expect.stringMatching(/.+/) });
    const offline = await fetch("http://127.0.0.1:1/").catch((e: unknown) => e);
    expect(classifySendError(offline)).toEqual({ kind: "unreachable" });
  });

  test("deniesAccess: a private room read by a non-member is a denial (its saved copy must go); a bad request or no answer is not", async () => {
    await using server = await startTestServer();
    const [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
    await ann.client.room.create.mutate({ room: "secret", visibility: "private" });
    const denied = await ben.client.room.history.query({ room: "secret" }).catch((e: unknown) => e);
    expect(deniesAccess(denied)).toBe(true);
    const badInput = await ben.client.room.history.query({ room: "lobby", limit: 0 }).catch((e: unknown) => e);
    expect(deniesAccess(badInput)).toBe(false);
    expect(deniesAccess(new TypeError("Failed to fetch"))).toBe(false);
  });
});
