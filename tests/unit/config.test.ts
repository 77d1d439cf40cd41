import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig, redactSecrets } from "../../server/config.ts";

/** The message loadConfig stops start-up with for `env`. */
function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

describe("configuration errors", () => {
  test("a bad DATABASE_URL is named without its password", () => {
    const message = configError({ DATABASE_URL: "mysql://root:s3cret-pw@db.internal:3306/parlor" });
    expect(message).toContain("DATABASE_URL");
    expect(message).toContain("mysql://root:***@db.internal:3306/parlor");
    expect(message).not.toContain("s3cret-pw");
  });

  test("a bad REDIS_URL is named without its password, also when the password holds '@' or the URL does not parse", () => {
    for (const url of ["http://:s3cret-pw@redis:6379", "redis//:s3cret@pw@redis:6379", "rdis://user:s3cret-pw@[bad"]) {
      const message = configError({ REDIS_URL: url });
      expect(message).toContain("REDIS_URL");
      expect(message).not.toContain("s3cret");
      expect(message).not.toContain("pw@");
    }
  });

  test("a password given as a query parameter is hidden too", () => {
    const message = configError({ DATABASE_URL: "mysql://db/parlor?user=root&password=s3cret-pw" });
    expect(message).not.toContain("s3cret-pw");
  });

  test("WORKERS on an in-memory database names DATABASE_URL (no password in it to hide) and REDIS_URL is not echoed", () => {
    const message = configError({
      WORKERS: "2",
      REDIS_URL: "redis://:s3cret-pw@127.0.0.1:6379",
      DATABASE_URL: "sqlite::memory:",
    });
    expect(message).toContain("sqlite::memory:");
    expect(message).not.toContain("s3cret-pw");
  });

  test("a REDIS_EVENT_KEY too short to be a key is refused by name, and shown only by its length", () => {
    const message = configError({ REDIS_EVENT_KEY: "s3cret-but-short" });
    expect(message).toContain("REDIS_EVENT_KEY: at least 32 characters");
    expect(message).toContain("(got 16 characters)");
    expect(message).not.toContain("s3cret");
    expect(loadConfig({ REDIS_EVENT_KEY: "k".repeat(32) }).redisEventKey).toBe("k".repeat(32));
    expect(loadConfig({ REDIS_EVENT_KEY: "" }).redisEventKey).toBeUndefined();
  });

  test("TRUST_PROXY takes a hop count or addresses/CIDRs, and refuses anything else by name", () => {
    expect(loadConfig({ TRUST_PROXY: "2" }).clientAddress.trust).toEqual({ kind: "hops", hops: 2 });
    expect(loadConfig({}).clientAddress).toEqual({ trust: { kind: "none" }, header: "x-forwarded-for" });
    expect(configError({ TRUST_PROXY: "10.0.0.0/99" })).toContain("TRUST_PROXY");
    expect(configError({ TRUST_PROXY_HEADER: "x-real-ip" })).toContain("TRUST_PROXY_HEADER");
  });
});

describe("redactSecrets", () => {
  test("hides userinfo passwords and password= parameters, keeps the rest", () => {
    expect(redactSecrets("postgres://app:pw@db:5432/parlor")).toBe("postgres://app:***@db:5432/parlor");
    expect(redactSecrets("redis://:pw@127.0.0.1:6379/0")).toBe("redis://:***@127.0.0.1:6379/0");
    expect(redactSecrets("postgres://app@db/parlor")).toBe("postgres://app@db/parlor");
    expect(redactSecrets("sqlite:data/parlor.db")).toBe("sqlite:data/parlor.db");
    expect(redactSecrets("app:pw@db:5432/parlor")).toBe("app:***@db:5432/parlor");
  });
});
