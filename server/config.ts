/**
 * The server's configuration, read once from the environment into a frozen,
 * typed object. A bad value stops start-up with a message that names the variable.
 */
import { z } from "zod";
import { parseDatabaseUrl } from "../db/index.ts";

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("localhost"),
  DATABASE_URL: z
    .string()
    .default("sqlite:data/parlor.db")
    .refine((url) => {
      try {
        parseDatabaseUrl(url);
        return true;
      } catch {
        return false;
      }
    }, "use sqlite:<path>, sqlite::memory: or postgres://…"),
  REDIS_URL: z
    .string()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .refine((v) => v === undefined || /^rediss?:\/\//.test(v), "use redis://host:port"),
  /** Comma-separated exact origins. Unset: only the server's own origin (as the browser addressed it). */
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").map((o) => o.trim()).filter(Boolean) : undefined))
    .refine((list) => list === undefined || list.every((o) => URL.canParse(o) && new URL(o).origin === o), "each origin is scheme://host[:port], without a path"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly redisUrl: string | undefined;
  readonly allowedOrigins: readonly string[] | undefined;
  readonly production: boolean;
  readonly nodeEnv: "development" | "production" | "test";
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    allowedOrigins: e.ALLOWED_ORIGINS ? Object.freeze(e.ALLOWED_ORIGINS) : undefined,
    production: e.NODE_ENV === "production",
    nodeEnv: e.NODE_ENV,
  });
}
