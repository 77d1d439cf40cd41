/**
 * One set of rules on every transport (SECURITY.md, "What one connection can hold"):
 * subscriptions only over the WebSocket, batch and calls-in-flight caps over both
 * WebSocket and HTTP, HTTP bodies and headers capped. Through the real tRPC client
 * where a client could do it, by hand where only an attacker would.
 */
import { describe, expect, test } from "bun:test";
import { websocketUrl } from "@parlor/client";
import { createTRPCClient, createWSClient, httpBatchLink, wsLink } from "@trpc/client";
import type { AppRouter } from "../../server/trpc/router.ts";
import { outcome } from "../support/outcome.ts";
import { startTestServer } from "../support/server.ts";
import { quietFor, waitFor } from "../support/wait.ts";

/** The tRPC error a plain HTTP client reads from a refused request. */
async function trpcError(
  res: Response,
): Promise<{ status: number; type: string | null; code: string; message: string }> {
  const body = (await res.json()) as { error: { message: string; data: { code: string } } };
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    code: body.error.data.code,
    message: body.error.message,
  };
}

describe("subscriptions are served over the WebSocket only", () => {
  const input = encodeURIComponent(JSON.stringify({ room: "lobby" }));

  test("a GET of /trpc/room.presence (tRPC's SSE transport, or curl -N) is 405 METHOD_NOT_SUPPORTED at once, saying to use the WebSocket; presence does not count it", async () => {
    await using server = await startTestServer();
    const watcher = server.guest();
    const seen: number[] = [];
    const sub = watcher.client.room.presence.subscribe({ room: "lobby" }, { onData: (p) => seen.push(p.guests) });
    await waitFor(() => seen.at(-1) === 1, "the WebSocket guest to be counted");

    const streams = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${server.url}/trpc/room.presence?input=${input}`, { headers: { accept: "text/event-stream" } }),
      ),
    );
    for (const res of streams) {
      const error = await trpcError(res);
      expect(error).toEqual({
        status: 405,
        type: "application/json;charset=utf-8",
        code: "METHOD_NOT_SUPPORTED",
        message:
          "'room.presence' is a subscription: subscriptions are served over the WebSocket at /trpc only (tRPC's wsLink), not over HTTP.",
      });
    }
    await quietFor(300, () => seen.at(-1), "the guests counted"); // longer than presence's coalescing: a count would have shown
    expect(server.app.services.presence.count("lobby")).toBe(1);
    expect(seen.at(-1)).toBe(1);
    sub.unsubscribe();
  });

  test("room.messages over HTTP, inside a batch, by POST, or resuming with Last-Event-ID is refused the same way", async () => {
    await using server = await startTestServer();
    const requests = [
      fetch(`${server.url}/trpc/room.messages?input=${input}`, { headers: { "last-event-id": "0" } }),
      fetch(
        `${server.url}/trpc/room.history,room.messages?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { room: "lobby" }, 1: { room: "lobby" } }))}`,
      ),
      fetch(`${server.url}/trpc/room.messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ room: "lobby" }),
      }),
    ];
    for (const res of await Promise.all(requests)) {
      const error = await trpcError(res);
      expect([error.status, error.code]).toEqual([405, "METHOD_NOT_SUPPORTED"]);
      expect(error.message).toContain("'room.messages' is a subscription");
    }
  });
});

describe("HTTP request size", () => {
  test("a body over MAX_REQUEST_BODY_BYTES is 413 before it is read; one under it is answered as usual", async () => {
    await using server = await startTestServer({ MAX_REQUEST_BODY_BYTES: String(64 * 1024) });
    const post = (bytes: number) =>
      fetch(`${server.url}/trpc/room.send`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ room: "r", text: "x".repeat(bytes) }),
      });
    expect((await post(128 * 1024)).status).toBe(413);
    const under = await post(32 * 1024);
    expect(under.status).toBe(401); // read and answered: signing in is required
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  test("request headers over Bun's 16 KiB are 431; the server keeps serving", async () => {
    await using server = await startTestServer();
    const res = await fetch(`${server.url}/trpc/auth.me`, { headers: { "x-padding": "p".repeat(17 * 1024) } });
    expect(res.status).toBe(431);
    expect((await fetch(`${server.url}/trpc/auth.me`)).status).toBe(200);
  });
});

describe("batches and calls in flight, through the real tRPC client", () => {
  const limits = { MAX_BATCH_SIZE: "5", MAX_SUBSCRIPTIONS_PER_CONNECTION: "5", MAX_CALLS_IN_FLIGHT: "3" };
  const historyCalls = (client: ReturnType<typeof createTRPCClient<AppRouter>>, n: number) =>
    Promise.all(Array.from({ length: n }, () => outcome(client.room.history.query({ room: "lobby" }))));

  test("over HTTP: a batch of MAX_BATCH_SIZE runs MAX_CALLS_IN_FLIGHT, the rest TOO_MANY_REQUESTS; a longer batch runs nothing (PAYLOAD_TOO_LARGE, 413)", async () => {
    await using server = await startTestServer(limits);
    // A client that puts every call of a tick in one request, as httpBatchLink does unless told otherwise.
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });
    expect(await historyCalls(client, 5)).toEqual(["OK", "OK", "OK", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
    expect(await historyCalls(client, 6)).toEqual(Array(6).fill("PAYLOAD_TOO_LARGE"));
  });

  test("over the WebSocket: the same caps per frame and per socket; subscriptions are not calls in flight", async () => {
    await using server = await startTestServer(limits);
    const socket = createWSClient({ url: websocketUrl(server.url) });
    try {
      // Every call over the socket: wsLink sends a tick's calls as one frame.
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] });
      expect(await historyCalls(client, 5)).toEqual(["OK", "OK", "OK", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
      expect(await historyCalls(client, 6)).toEqual(Array(6).fill("PAYLOAD_TOO_LARGE"));
      const started: string[] = [];
      const subs = ["a", "b", "c", "d", "e"].map((room) =>
        client.room.messages.subscribe({ room }, { onStarted: () => started.push(room) }),
      );
      await waitFor(() => started.length === 5, "five subscriptions, sent in one frame, to start");
      for (const sub of subs) sub.unsubscribe();
    } finally {
      socket.close();
    }
  });

  test("the shipped client splits a burst into batches the default limits accept", async () => {
    await using server = await startTestServer();
    const { client } = server.guest();
    const results = await Promise.all(
      Array.from({ length: 30 }, () => outcome(client.room.history.query({ room: "lobby" }))),
    );
    expect(results).toEqual(Array(30).fill("OK"));
  });
});
