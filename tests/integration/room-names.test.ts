/**
 * Room names have one canonical, lower-case form: whatever case a client
 * types (and a leading '#'), every procedure reaches the same room, and a
 * name that differs only in case is taken.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { failure } from "../support/outcome.ts";
import { startTestServer, type TestServer, type TestUser } from "../support/server.ts";

let server: TestServer;
let ann: TestUser;
let ben: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
});
afterAll(() => server.stop());

describe("room names, case-insensitive", () => {
  test("a message sent to 'General' is in 'general', and '#GENERAL' reads it: one room, named in lower case", async () => {
    const sent = await ann.client.room.send.mutate({ room: "General", text: "hello" });
    expect(sent.room).toBe("general");
    const page = await ben.client.room.history.query({ room: "#GENERAL" });
    expect(page.messages.map((m) => [m.room, m.text])).toEqual([["general", "hello"]]);
    expect((await ann.client.room.mine.query()).map((r) => r.room)).toEqual(["general"]);
  });

  test("creating 'Plans' makes 'plans'; then 'plans' or '#PLANS' is CONFLICT, and invitations reach it in any case", async () => {
    expect((await ann.client.room.create.mutate({ room: "Plans", visibility: "private" })).room).toBe("plans");
    for (const room of ["plans", "#PLANS"]) {
      expect((await failure(ben.client.room.create.mutate({ room, visibility: "public" }))).code).toBe("CONFLICT");
    }
    await ann.client.room.invite.mutate({ room: "PLANS", username: "ben" });
    expect((await ben.client.room.info.query({ room: "#Plans" })).role).toBe("member");
  });
});
