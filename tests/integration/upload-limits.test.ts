/**
 * What one client can make the server take with uploads: a file over
 * MAX_UPLOAD_BYTES is refused (413) from its declared length, before its body
 * is read; a day's uploads are counted (files and bytes); uploads in flight are
 * capped per user (refused) and per process (waiting, unread).
 */
import { describe, expect, test } from "bun:test";
import { upload } from "../support/files.ts";
import { failure } from "../support/outcome.ts";
import { sendPartial } from "../support/raw-http.ts";
import { startTestServer } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

const MiB = 1024 * 1024;

/** The head of a multipart upload of a file that would be `length` bytes, whatever is sent of it. */
const uploadHead = (token: string, length: number) => ({
  method: "POST",
  path: "/trpc/attachment.upload",
  headers: {
    authorization: `Bearer ${token}`,
    "content-type": "multipart/form-data; boundary=XyZ",
    "content-length": String(length),
  },
});
const partStart = new TextEncoder().encode(
  '--XyZ\r\ncontent-disposition: form-data; name="file"; filename="big.bin"\r\n\r\n',
);

describe("MAX_UPLOAD_BYTES", () => {
  test("a declared 30 MiB upload is answered 413 PAYLOAD_TOO_LARGE while only 1 KiB of it has been sent", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const request = await sendPartial(
      server.url,
      uploadHead(ann.token, 30 * MiB),
      new Uint8Array([...partStart, ...new Uint8Array(1024)]),
    );
    try {
      const answer = await request.answer;
      expect(answer).toStartWith("HTTP/1.1 413");
      expect(request.sent()).toBeLessThan(2 * 1024);
    } finally {
      request.close();
    }
  });

  test("through the client: a file one byte over the limit is PAYLOAD_TOO_LARGE; one at the limit is stored", async () => {
    await using server = await startTestServer({ MAX_UPLOAD_BYTES: String(64 * 1024) });
    const ann = await server.signUp();
    // Over by more than the multipart framing: refused from the declared length.
    expect((await failure(upload(ann.client, new Uint8Array(200 * 1024), "big.bin"))).code).toBe("PAYLOAD_TOO_LARGE");
    // Over by one byte: within the framing's allowance, refused once the file's size is known.
    expect((await failure(upload(ann.client, new Uint8Array(64 * 1024 + 1), "big.bin"))).code).toBe(
      "PAYLOAD_TOO_LARGE",
    );
    expect((await upload(ann.client, new Uint8Array(64 * 1024), "fits.bin")).size).toBe(64 * 1024);
  });

  test("an upload without a Content-Length (chunked) is refused with 411: its size must be known before it is read", async () => {
    await using server = await startTestServer();
    const ann = await server.signUp();
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(partStart);
        controller.close();
      },
    });
    const res = await fetch(`${server.url}/trpc/attachment.upload`, {
      method: "POST",
      headers: { authorization: `Bearer ${ann.token}`, "content-type": "multipart/form-data; boundary=XyZ" },
      body,
    });
    expect(res.status).toBe(411);
  });

  test("other paths keep MAX_REQUEST_BODY_BYTES, also for a body sent without a length", async () => {
    await using server = await startTestServer({ MAX_REQUEST_BODY_BYTES: String(64 * 1024) });
    const chunked = (bytes: number) =>
      fetch(`${server.url}/trpc/room.send`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(JSON.stringify({ room: "r", text: "x".repeat(bytes) })));
            controller.close();
          },
        }),
      });
    expect((await chunked(128 * 1024)).status).toBe(413);
    expect((await chunked(1024)).status).toBe(401); // read and answered: signing in is required
  });
});

describe("uploads per day and in flight", () => {
  test("past UPLOADS_PER_DAY files, or UPLOAD_BYTES_PER_DAY bytes, an upload is TOO_MANY_REQUESTS", async () => {
    await using server = await startTestServer({ UPLOADS_PER_DAY: "2", UPLOAD_BYTES_PER_DAY: "1000" });
    const ann = await server.signUp();
    const bob = await server.signUp();
    await upload(ann.client, "one", "1.txt");
    await upload(ann.client, "two", "2.txt");
    expect((await failure(upload(ann.client, "three", "3.txt"))).code).toBe("TOO_MANY_REQUESTS");
    await upload(bob.client, new Uint8Array(900), "a.bin");
    expect((await failure(upload(bob.client, new Uint8Array(200), "b.bin"))).code).toBe("TOO_MANY_REQUESTS");
  });

  test("a user with UPLOADS_IN_FLIGHT_PER_USER uploads under way is refused another (TOO_MANY_REQUESTS); others are not", async () => {
    await using server = await startTestServer({ UPLOADS_IN_FLIGHT_PER_USER: "1", UPLOADS_IN_FLIGHT: "2" });
    const ann = await server.signUp();
    const bob = await server.signUp();
    // ann's first upload stays under way: its body is declared, only its start is sent.
    const slow = await sendPartial(server.url, uploadHead(ann.token, 64 * 1024), partStart);
    try {
      await waitFor(() => server.app.services.files.inFlight() === 1, "the slow upload to take its place");
      expect((await failure(upload(ann.client, "second", "2.txt"))).code).toBe("TOO_MANY_REQUESTS");
      expect((await upload(bob.client, "bob's", "b.txt")).name).toBe("b.txt");
    } finally {
      slow.close();
    }
  });
});
