/**
 * Promise 8 (SECURITY.md): hostile and broken input gets a clear error, stores
 * nothing, and the server keeps serving everyone else.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import fc from "fast-check";
import { outcome } from "../support/outcome.ts";
import { openRawWebSocket, type RawWebSocket } from "../support/raw-websocket.ts";
import { startTestServer, type TestServer, type TestUser } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { quietFor, waitFor } from "../support/wait.ts";

let server: TestServer;
let ann: TestUser;
beforeAll(async () => {
  server = await startTestServer({ SEND_BURST: "10000", SEND_PER_SECOND: "10000" });
  ann = await server.signUp("ann");
});
afterAll(() => server.stop());

type Reply = { id: number | null; error?: { data: { code: string } }; result?: unknown };
const replies = (ws: RawWebSocket) => ws.textFrames() as Reply[];

async function rawCall(ws: RawWebSocket, frame: string | Buffer, opcode: 1 | 2 = 1) {
  const before = replies(ws).length;
  ws.send(frame, opcode);
  await waitFor(() => replies(ws).length > before, "a reply");
  return replies(ws).at(-1)!;
}

const ping = JSON.stringify({ id: 99, method: "query", params: { path: "auth.me", input: null } });

describe("WebSocket frames", () => {
  test("non-JSON, binary, unknown methods and unknown procedures each get an error; the socket keeps working", async () => {
    const ws = await openRawWebSocket(server.url);
    expect((await rawCall(ws, "this is not json")).error?.data.code).toBe("PARSE_ERROR");
    expect((await rawCall(ws, Buffer.from([0xde, 0xad, 0xbe, 0xef]), 2)).error?.data.code).toBe("PARSE_ERROR");
    expect((await rawCall(ws, JSON.stringify({ id: 1, method: "explode", params: {} }))).error?.data.code).toBe(
      "PARSE_ERROR",
    );
    expect(
      (await rawCall(ws, JSON.stringify({ id: 2, method: "query", params: { path: "room.nope", input: {} } }))).error
        ?.data.code,
    ).toBe("NOT_FOUND");
    expect(
      (await rawCall(ws, JSON.stringify({ id: 3, method: "query", params: { path: "__proto__", input: {} } }))).error
        ?.data.code,
    ).toBe("NOT_FOUND");
    expect(
      (await rawCall(ws, JSON.stringify({ id: 4, method: "query", params: { path: "room.history", input: [1, 2] } })))
        .error?.data.code,
    ).toBe("BAD_REQUEST");
    // Still serving this socket:
    expect(await rawCall(ws, ping)).toEqual({ id: 99, result: { type: "data", data: null } });
    ws.destroy();
  });

  test("invalid UTF-8 in a text frame closes that socket (1007) and nobody else's", async () => {
    const bystander = subscribeRoom(server.guest().client, { room: "calm" });
    await bystander.started;
    const ws = await openRawWebSocket(server.url);
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 1);
    await ws.closed;
    const close = ws.received();
    // A close frame (opcode 8) with code 1007, or the connection cut: either way, only this socket.
    if (close.length >= 4 && (close[0]! & 0x0f) === 8) expect(close.readUInt16BE(2)).toBe(1007);
    await ann.client.room.send.mutate({ room: "calm", text: "still here" });
    await bystander.waitForCount(1);
    expect(bystander.messages[0]!.text).toBe("still here");
  });
});

describe("inputs", () => {
  test("room names with '/', '..', '%2F', look-alikes, markup or SQL are BAD_REQUEST and store nothing", async () => {
    const roomsBefore = await ann.client.room.active.query();
    for (const room of [
      "a/b",
      "..",
      "../x",
      "a%2Fb",
      "lobby\u200b",
      "lоbby" /* Cyrillic о */,
      "<b>x</b>",
      "x'; drop table message;--",
      " lobby",
    ]) {
      expect({ room, code: await outcome(ann.client.room.send.mutate({ room, text: "hi" })) }).toEqual({
        room,
        code: "BAD_REQUEST",
      });
    }
    expect(await ann.client.room.active.query()).toEqual(roomsBefore);
  });

  test("huge and control-character texts are BAD_REQUEST; wrong shapes too", async () => {
    const roomsBefore = await ann.client.room.active.query();
    const cases: unknown[] = [
      { room: "r", text: "x".repeat(60_000) },
      { room: "r", text: "a\u0000b" },
      { room: "r", text: "\u001b[2J" },
      { room: "r" },
      { room: ["r"], text: "hi" },
      { room: { $ne: null }, text: "hi" },
      null,
      "room=r&text=hi",
    ];
    for (const input of cases) {
      expect({
        input,
        code: await outcome(ann.client.room.send.mutate(input as { room: string; text: string })),
      }).toEqual({ input, code: "BAD_REQUEST" });
    }
    expect(await ann.client.room.active.query()).toEqual(roomsBefore);
  });

  test("SQL and markup in a text are stored and returned verbatim, as text", async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the text a user types, sent as is, must stay text
    const texts = ["'); drop table message; --", "<img src=x onerror=alert(1)>", "${process.env}", "\u202eevil"];
    for (const text of texts) await ann.client.room.send.mutate({ room: "verbatim", text });
    const page = await ann.client.room.history.query({ room: "verbatim" });
    expect(page.messages.map((m) => m.text).reverse()).toEqual(texts);
  });

  test("a lastEventId from another room replays only this room, and one past its end fails closed", async () => {
    for (let i = 1; i <= 6; i++) await ann.client.room.send.mutate({ room: "big-room", text: `big ${i}` });
    for (let i = 1; i <= 2; i++) await ann.client.room.send.mutate({ room: "small-room", text: `small ${i}` });
    const past = subscribeRoom(server.guest().client, { room: "small-room", lastEventId: "5" });
    await waitFor(() => past.errors.length > 0, "the refusal");
    expect(past.errors[0]!.data?.code).toBe("BAD_REQUEST");
    const within = subscribeRoom(server.guest().client, { room: "small-room", lastEventId: "1" });
    await within.waitForCount(1);
    await quietFor(50, () => within.messages.length, "the messages replayed");
    expect(within.messages.map((m) => [m.room, m.text])).toEqual([["small-room", "small 2"]]);
  });
});

describe("generated input (fast-check)", () => {
  test("the REST route answers any room and query with 200 or 400, never a server error, and a 200 is a page", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[A-Za-z0-9._-]{1,70}$/)),
        fc.option(fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.string({ maxLength: 8 })), {
          nil: undefined,
        }),
        fc.option(fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.string({ maxLength: 8 })), {
          nil: undefined,
        }),
        async (room, limit, before) => {
          const query = new URLSearchParams();
          if (limit !== undefined) query.set("limit", limit);
          if (before !== undefined) query.set("before", before);
          const res = await fetch(`${server.url}/api/messages/${encodeURIComponent(room)}/?${query}`);
          const body = (await res.json()) as { messages?: unknown[]; error?: string };
          if (res.status === 200) return Array.isArray(body.messages);
          // "", "." and ".." leave no room segment once the URL is normalised: no such route.
          const expected = room === "" || room === "." || room === ".." ? 404 : 400;
          return res.status === expected && typeof body.error === "string" && body.error.length > 0;
        },
      ),
      { numRuns: 150 },
    );
  });

  test("room.send accepts exactly the rooms the schema describes, and stores nothing for the rest", async () => {
    const valid = /^(?!.*\.\.)(?!\.$)[A-Za-z0-9._-]{1,64}$/;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[A-Za-z0-9._/-]{0,66}$/)),
        async (room) => {
          let ok = true;
          try {
            await ann.client.room.send.mutate({ room, text: "generated" });
          } catch (e) {
            if (!(e instanceof TRPCClientError) || e.data?.code !== "BAD_REQUEST") throw e;
            ok = false;
          }
          return ok === valid.test(room);
        },
      ),
      { numRuns: 100 },
    );
  });
});
