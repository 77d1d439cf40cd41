/** The test helpers' waits: quietFor asserts that nothing more arrives over a window. */
import { expect, test } from "bun:test";
import { quietFor } from "../support/wait.ts";

test("quietFor resolves when the watched value stays the same over the window", async () => {
  const received = ["a"];
  await quietFor(50, () => received.length, "the messages received");
  expect(received).toEqual(["a"]);
});

test("quietFor fails when something arrives within the window, saying what it watched, what it was and what it became", async () => {
  const received = ["a"];
  setTimeout(() => received.push("b"), 20);
  await expect(quietFor(500, () => received, "the messages received")).rejects.toThrow(
    /^expected the messages received to stay \["a"\] for 500 ms, but after \d+ ms it was \["a","b"\]$/,
  );
});

test("quietFor watches an asynchronous value too (a page's texts)", async () => {
  let shown = "x";
  setTimeout(() => (shown = "y"), 20);
  await expect(quietFor(500, async () => shown)).rejects.toThrow(/the watched value to stay "x"/);
});
