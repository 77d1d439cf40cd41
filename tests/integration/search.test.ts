/**
 * room.search through the real @trpc/client against a real server, on SQLite
 * and PostgreSQL: messages in their current state (an edit is found by its new
 * words only, a delete never), only in rooms the caller may read, newest
 * first and paged, with the matched words marked, and any query is just text.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { databaseBackends, describeEach, type TestDb } from "../support/backends.ts";
import { failure, outcome } from "../support/outcome.ts";
import { startTestServer, type TestServer, type TestUser } from "../support/server.ts";

await describeEach("room.search", databaseBackends, (backend) => {
  let env: TestDb & { dispose(): Promise<void> };
  let server: TestServer;
  let ann: TestUser;
  let ben: TestUser;
  beforeEach(async () => {
    env = await backend.create();
    server = await startTestServer({ SEND_BURST: "100" }, { db: env.db });
    [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
  });
  afterEach(async () => {
    await server.stop();
    await env.dispose();
  });

  const found = async (user: TestUser, query: string, room?: string) =>
    (await user.client.room.search.query({ query, room })).results.map((r) => r.text);

  test("an edited message is found by its new words, not its old ones; a deleted one is never found", async () => {
    const lunch = await ann.client.room.send.mutate({ room: "lobby", text: "lunch on Tuesday at noon" });
    await ann.client.room.send.mutate({ room: "lobby", text: "unrelated chatter" });
    expect(await found(ben, "tuesday")).toEqual(["lunch on Tuesday at noon"]);

    await ann.client.room.edit.mutate({ room: "lobby", seq: lunch.seq, text: "lunch on Wednesday at noon" });
    expect(await found(ben, "wednesday")).toEqual(["lunch on Wednesday at noon"]);
    expect(await found(ben, "tuesday")).toEqual([]);
    // A reaction rewrites the row with the same text: still found, once.
    await ben.client.room.react.mutate({ room: "lobby", seq: lunch.seq, emoji: "👍", add: true });
    expect(await found(ben, "wednesday noon")).toEqual(["lunch on Wednesday at noon"]);

    await ann.client.room.delete.mutate({ room: "lobby", seq: lunch.seq });
    expect(await found(ben, "wednesday")).toEqual([]);
    expect(await found(ben, "lunch")).toEqual([]);
    expect(await found(ben, "tuesday")).toEqual([]);
  });

  test("every word must match, in any case; results carry the matched words as ranges of the plain text", async () => {
    await ann.client.room.send.mutate({ room: "lobby", text: "Deploy <b>tonight</b>, DEPLOY early" });
    await ann.client.room.send.mutate({ room: "lobby", text: "deploy tomorrow" });
    const { results } = await ben.client.room.search.query({ query: "deploy TONIGHT" });
    expect(results).toHaveLength(1);
    const hit = results[0]!;
    expect(hit).toMatchObject({
      room: "lobby",
      sender: "ann",
      text: "Deploy <b>tonight</b>, DEPLOY early",
      deleted: false,
    });
    expect(hit.highlights.map(([s, e]) => hit.text.slice(s, e))).toEqual(["Deploy", "tonight", "DEPLOY"]);
  });

  test("the last word matches as a prefix: 'depl' finds 'deploy' and marks the whole word; earlier words stay whole", async () => {
    await ann.client.room.send.mutate({ room: "lobby", text: "Deploy tonight" });
    await ann.client.room.send.mutate({ room: "lobby", text: "redeploy later" });
    // "depl" is only the beginning of a word: found, the whole word marked; "redeploy" does not begin with it.
    const { results } = await ben.client.room.search.query({ query: "depl" });
    expect(results.map((r) => r.text)).toEqual(["Deploy tonight"]);
    expect(results[0]!.highlights.map(([s, e]) => results[0]!.text.slice(s, e))).toEqual(["Deploy"]);
    // Only the last word: earlier words are whole ("tonig", "depl" there match nothing).
    expect(await found(ben, "tonight depl")).toEqual(["Deploy tonight"]);
    expect(await found(ben, "tonig depl")).toEqual([]);
    expect(await found(ben, "depl tonight")).toEqual([]);
  });

  test("newest first, paged by nextCursor until null; a room narrows it", async () => {
    for (let i = 1; i <= 5; i++) await ann.client.room.send.mutate({ room: "lobby", text: `report number ${i}` });
    await ann.client.room.send.mutate({ room: "garden", text: "report from the garden" });
    const first = await ben.client.room.search.query({ query: "report", limit: 4 });
    expect(first.results.map((r) => r.text)).toEqual([
      "report from the garden",
      "report number 5",
      "report number 4",
      "report number 3",
    ]);
    expect(first.nextCursor).toBe(first.results[3]!.id);
    const second = await ben.client.room.search.query({ query: "report", limit: 4, before: first.nextCursor! });
    expect(second.results.map((r) => r.text)).toEqual(["report number 2", "report number 1"]);
    expect(second.nextCursor).toBeNull();
    expect(await found(ben, "report", "garden")).toEqual(["report from the garden"]);
  });

  test("a private room's message never reaches a non-member or a guest; its members find it", async () => {
    await ann.client.room.create.mutate({ room: "vault", visibility: "private" });
    await ann.client.room.send.mutate({ room: "vault", text: "the secret plan" });
    await ann.client.room.send.mutate({ room: "lobby", text: "the public plan" });
    const guest = server.guest();

    expect(await found(ben, "plan")).toEqual(["the public plan"]);
    expect((await guest.client.room.search.query({ query: "plan" })).results.map((r) => r.text)).toEqual([
      "the public plan",
    ]);
    // Named, the private room answers as a name never used does: NOT_FOUND, the same words.
    expect(await failure(ben.client.room.search.query({ query: "secret", room: "vault" }))).toEqual({
      code: "NOT_FOUND",
      message: "Room 'vault' does not exist.",
    });
    expect(await outcome(guest.client.room.search.query({ query: "secret", room: "vault" }))).toBe("NOT_FOUND");
    expect(await found(ann, "plan")).toEqual(["the public plan", "the secret plan"]);

    // Invited: found; kicked: gone again.
    await ann.client.room.invite.mutate({ room: "vault", username: "ben" });
    expect(await found(ben, "secret", "vault")).toEqual(["the secret plan"]);
    await ann.client.room.kick.mutate({ room: "vault", username: "ben" });
    expect(await found(ben, "secret")).toEqual([]);
  });

  test("a query is text: FTS and tsquery syntax finds the words, never errors, never widens the match", async () => {
    await ann.client.room.send.mutate({ room: "lobby", text: "alpha beta" });
    await ann.client.room.send.mutate({ room: "lobby", text: "gamma" });
    for (const query of [
      "alpha OR gamma",
      "alpha* NEAR(gamma)",
      '"alpha',
      "alpha & !gamma | beta",
      "text:alpha",
      "alpha) OR (gamma",
      "'alpha' --",
    ]) {
      const texts = await found(ben, query);
      // Every word of the query must be there: none of these texts has all of them, except where the words are just alpha.
      expect(texts.every((t) => t === "alpha beta")).toBe(true);
    }
    expect(await found(ben, '"alpha')).toEqual(["alpha beta"]);
    expect(await found(ben, "alpha OR gamma")).toEqual([]);
  });

  test("a query without a word, too long, or with too many words is BAD_REQUEST saying so", async () => {
    expect(await failure(ben.client.room.search.query({ query: "?!" }))).toEqual({
      code: "BAD_REQUEST",
      message: "query: A search needs at least one word (letters or digits).",
    });
    expect((await failure(ben.client.room.search.query({ query: "a".repeat(201) }))).message).toBe(
      "query: A search has at most 200 characters.",
    );
    expect((await failure(ben.client.room.search.query({ query: "a b c d e f g h i" }))).message).toBe(
      "query: A search has at most 8 different words.",
    );
  });
});
