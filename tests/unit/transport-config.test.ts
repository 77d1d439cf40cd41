/** The transport's limits in the configuration (server/config.ts): defaults, overrides, and a pair that cannot work. */
import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../server/config.ts";
import { HTTP_BATCH_MAX_CALLS } from "../../shared/transport.ts";

describe("transport limits", () => {
  test("defaults: 100 calls per batch, 8 in flight (what the shipped client batches), 256 KiB high water, 1 MiB queued, 1 MiB bodies", () => {
    const { limits } = loadConfig({});
    expect(limits).toMatchObject({
      maxBatchSize: 100,
      maxCallsInFlight: HTTP_BATCH_MAX_CALLS,
      queuedBytesHighWater: 256 * 1024,
      maxQueuedBytes: 1024 * 1024,
      maxRequestBodyBytes: 1024 * 1024,
    });
    expect(HTTP_BATCH_MAX_CALLS).toBe(8);
  });

  test("each is read from its variable", () => {
    const { limits } = loadConfig({
      MAX_BATCH_SIZE: "20",
      MAX_SUBSCRIPTIONS_PER_CONNECTION: "20",
      MAX_CALLS_IN_FLIGHT: "2",
      QUEUED_BYTES_HIGH_WATER: "1000",
      MAX_QUEUED_BYTES: "5000",
      MAX_REQUEST_BODY_BYTES: "4096",
    });
    expect(limits).toMatchObject({
      maxBatchSize: 20,
      maxCallsInFlight: 2,
      queuedBytesHighWater: 1000,
      maxQueuedBytes: 5000,
      maxRequestBodyBytes: 4096,
    });
  });

  test("a high-water mark at or above MAX_QUEUED_BYTES is refused, naming the variable: the socket would be cut off before anything waits", () => {
    expect(() => loadConfig({ QUEUED_BYTES_HIGH_WATER: "1048576" })).toThrow(ConfigError);
    expect(() => loadConfig({ QUEUED_BYTES_HIGH_WATER: "2000000" })).toThrow(
      /QUEUED_BYTES_HIGH_WATER: must be below MAX_QUEUED_BYTES \(1048576\)/,
    );
    expect(() => loadConfig({ MAX_CALLS_IN_FLIGHT: "0" })).toThrow(/MAX_CALLS_IN_FLIGHT: must be 1 or more/);
  });

  test("a batch cap below the subscriptions per connection is refused: a reconnecting client resubscribes every room in one frame", () => {
    expect(() => loadConfig({ MAX_BATCH_SIZE: "50" })).toThrow(
      /MAX_BATCH_SIZE: must be at least MAX_SUBSCRIPTIONS_PER_CONNECTION \(100\)/,
    );
    expect(loadConfig({ MAX_BATCH_SIZE: "50", MAX_SUBSCRIPTIONS_PER_CONNECTION: "50" }).limits.maxBatchSize).toBe(50);
  });
});
