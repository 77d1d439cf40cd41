/**
 * The server's configuration, read once from the environment into a frozen,
 * typed object. A bad value stops start-up with a message that names the variable.
 */
import { availableParallelism } from "node:os";
import { z } from "zod";
import { parseDatabaseUrl } from "../db/index.ts";
import { type ForwardedHeader, parseTrustProxy, type TrustProxy } from "./http/client-address.ts";
import { HTTP_BATCH_MAX_CALLS } from "../shared/transport.ts";
import type { RateLimit } from "./limits/rate-limiter.ts";
import { LOG_LEVELS } from "./ops/log.ts";

const count = (fallback: number) => z.coerce.number().int("must be a whole number").min(1, "must be 1 or more").default(fallback);
const rate = (fallback: number) => z.coerce.number().positive("must be above 0").default(fallback);

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
  /** Prepended to every Redis channel, so several deployments (or tests) can share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:._-]{0,64}$/, "up to 64 letters, digits, ':', '.', '_', '-'").default("parlor:"),
  /** Processes sharing the port; unset: one per core with REDIS_URL, else 1. */
  WORKERS: z.coerce.number().int().min(1).max(256).optional(),
  /** Comma-separated exact origins. Unset: only the server's own origin (as the browser addressed it). */
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").map((o) => o.trim()).filter(Boolean) : undefined))
    .refine((list) => list === undefined || list.every((o) => URL.canParse(o) && new URL(o).origin === o), "each origin is scheme://host[:port], without a path"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** How often each process restates who it has in each room; others forget it after PRESENCE_TTL_MS of silence. */
  PRESENCE_HEARTBEAT_MS: count(2_000),
  PRESENCE_TTL_MS: count(6_000),
  /** How long a session lasts without use; each use in its second half extends it. */
  SESSION_TTL_SECONDS: count(30 * 24 * 3600),
  // Limits (see SECURITY.md): each caps what one client can take from everyone else.
  MAX_CONNECTIONS: count(10_000),
  MAX_CONNECTIONS_PER_IP: count(200),
  MAX_CONNECTIONS_PER_USER: count(20),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: count(100),
  MAX_MEMBERS_PER_ROOM: count(10_000),
  PRIVATE_ROOMS_PER_DAY: count(50),
  INVITES_PER_MINUTE: rate(20),
  /** room.create per user: a burst, then this many an hour (each room is one more a me.rooms watch follows). */
  ROOM_CREATE_BURST: count(10),
  ROOM_CREATE_PER_HOUR: rate(30),
  /** room.search per signed-in user (per address for a guest), and per address whoever asks. */
  SEARCH_BURST: count(10),
  SEARCH_PER_MINUTE: rate(60),
  SEARCH_BURST_PER_IP: count(30),
  SEARCH_PER_MINUTE_PER_IP: rate(180),
  SEND_BURST: count(20),
  SEND_PER_SECOND: rate(5),
  /** Per (username, address): a stranger guessing an account slows only their own address down. */
  LOGIN_BURST_PER_USERNAME_IP: count(5),
  LOGIN_PER_MINUTE_PER_USERNAME_IP: rate(5),
  LOGIN_BURST_PER_IP: count(20),
  LOGIN_PER_MINUTE_PER_IP: rate(20),
  REGISTER_BURST_PER_IP: count(10),
  REGISTER_PER_HOUR_PER_IP: rate(10),
  /** With Redis: how often a process restates its open connections, and how long they count after its last word. */
  CONNECTION_HEARTBEAT_MS: count(5_000),
  CONNECTION_TTL_MS: count(15_000),
  /** Password hashes computed at once on this machine (shared by its workers); the rest queue. Default: all cores but one. */
  HASH_CONCURRENCY: count(Math.max(1, navigator.hardwareConcurrency - 1)),
  /** Unset: the client is the socket's peer. A hop count, or a comma list of proxy addresses/CIDRs. */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      try {
        return parseTrustProxy(v);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `a hop count or a comma list of addresses/CIDRs: ${(error as Error).message}` });
        return z.NEVER;
      }
    }),
  /** The header the trusted proxies set. */
  TRUST_PROXY_HEADER: z.enum(["x-forwarded-for", "forwarded"]).default("x-forwarded-for"),
  // Transport bounds (SECURITY.md, "What one connection can hold"): work and memory per connection.
  /** Calls one WebSocket frame or one HTTP request may carry (a reconnecting client resubscribes every room in one frame). */
  MAX_BATCH_SIZE: count(100),
  /** Queries and mutations running at once per WebSocket, and per HTTP request; the rest are refused. Default: what the shipped client batches. */
  MAX_CALLS_IN_FLIGHT: count(HTTP_BATCH_MAX_CALLS),
  /** Bytes queued for one WebSocket above which it starts no call and replays nothing until it drains. */
  QUEUED_BYTES_HIGH_WATER: count(256 * 1024),
  /** Bytes queued for one WebSocket past which it is closed as too slow (4003). */
  MAX_QUEUED_BYTES: count(1024 * 1024),
  /** Largest HTTP request body (413 beyond). */
  MAX_REQUEST_BODY_BYTES: count(1024 * 1024),
  // Operating it (README "Operating Parlor").
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** pretty: lines for people (development default); json: one object per line (elsewhere). */
  LOG_FORMAT: z.enum(["pretty", "json"]).optional(),
  /** Unset: no /metrics. Set: /metrics answers requests bearing it (`Authorization: Bearer <token>`). */
  METRICS_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v === "" ? undefined : v)),
  /** On SIGTERM, how long /readyz answers 503 before the server stops accepting (a load balancer's probe interval). */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
});

/** Variables that changed meaning: refused by their old name, so an operator notices. */
const RENAMED: Record<string, string> = {
  LOGIN_BURST_PER_USERNAME: "LOGIN_BURST_PER_USERNAME_IP (it now counts per username and address)",
  LOGIN_PER_MINUTE_PER_USERNAME: "LOGIN_PER_MINUTE_PER_USERNAME_IP (it now counts per username and address)",
};

/**
 * A value fit for an error message or a log line: the password of a URL's
 * userinfo (or a `password=` parameter) replaced by ***, also in a URL too
 * malformed to parse.
 */
export function redactSecrets(value: string): string {
  const userinfo = value.includes("//") ? /(\/\/[^/@:]*:).*@/ : /^([^/@:]*:).*@/;
  return value.replace(userinfo, "$1***@").replace(/([?&]password=)[^&]*/gi, "$1***");
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
  /** Server processes on the port: more than one only with Redis and a shared database. */
  readonly workers: number;
  readonly allowedOrigins: readonly string[] | undefined;
  readonly production: boolean;
  readonly nodeEnv: "development" | "production" | "test";
  readonly sessionTtlSeconds: number;
  readonly presence: { readonly heartbeatMs: number; readonly ttlMs: number };
  readonly limits: Limits;
  readonly clientAddress: { readonly trust: TrustProxy; readonly header: ForwardedHeader };
  readonly ops: Ops;
}

/** Logs, metrics and shutdown. */
export interface Ops {
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly logPretty: boolean;
  /** Undefined: metrics are off. */
  readonly metricsToken: string | undefined;
  readonly shutdownDelayMs: number;
}

export interface Limits {
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  readonly maxConnectionsPerUser: number;
  readonly maxSubscriptionsPerConnection: number;
  readonly maxMembersPerRoom: number;
  readonly privateRoomsPerDay: number;
  readonly invites: RateLimit;
  readonly roomCreate: RateLimit;
  /** Per signed-in user, or per address for a guest. */
  readonly search: RateLimit;
  readonly searchPerIp: RateLimit;
  readonly send: RateLimit;
  readonly loginPerUsernameIp: RateLimit;
  readonly loginPerIp: RateLimit;
  readonly registerPerIp: RateLimit;
  /** Shared connection counts (Redis): heartbeat period and expiry. */
  readonly connectionHeartbeatMs: number;
  readonly connectionTtlMs: number;
  /** Password hashes at once on this machine: a supervisor shares it among its workers. */
  readonly hashConcurrency: number;
  readonly maxBatchSize: number;
  readonly maxCallsInFlight: number;
  readonly queuedBytesHighWater: number;
  readonly maxQueuedBytes: number;
  readonly maxRequestBodyBytes: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const renamed = Object.keys(RENAMED).filter((name) => env[name] !== undefined);
  if (renamed.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${renamed.map((name) => `  ${name}: renamed to ${RENAMED[name]}`).join("\n")}`);
  }
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const got = (name: string) => (env[name] === undefined ? "unset" : JSON.stringify(redactSecrets(env[name])));
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message} (got ${got(String(i.path[0]))})`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const workers = e.WORKERS ?? (e.REDIS_URL ? availableParallelism() : 1);
  if (workers > 1 && !e.REDIS_URL) {
    throw new ConfigError(`Invalid configuration:\n  WORKERS: ${workers} processes need REDIS_URL, or each reaches only its own subscribers (got ${JSON.stringify(env.WORKERS)})`);
  }
  if (e.QUEUED_BYTES_HIGH_WATER >= e.MAX_QUEUED_BYTES) {
    throw new ConfigError(
      `Invalid configuration:\n  QUEUED_BYTES_HIGH_WATER: must be below MAX_QUEUED_BYTES (${e.MAX_QUEUED_BYTES}), or a socket is cut off before it waits (got ${JSON.stringify(env.QUEUED_BYTES_HIGH_WATER)})`,
    );
  }
  if (e.MAX_BATCH_SIZE < e.MAX_SUBSCRIPTIONS_PER_CONNECTION) {
    throw new ConfigError(
      `Invalid configuration:\n  MAX_BATCH_SIZE: must be at least MAX_SUBSCRIPTIONS_PER_CONNECTION (${e.MAX_SUBSCRIPTIONS_PER_CONNECTION}): a reconnecting client resubscribes every room in one frame (got ${JSON.stringify(env.MAX_BATCH_SIZE)})`,
    );
  }
  const database = parseDatabaseUrl(e.DATABASE_URL);
  if (workers > 1 && database.kind === "sqlite" && database.path === ":memory:") {
    throw new ConfigError(`Invalid configuration:\n  WORKERS: ${workers} processes need a shared database, not an in-memory one (DATABASE_URL ${JSON.stringify(redactSecrets(e.DATABASE_URL))})`);
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    workers,
    allowedOrigins: e.ALLOWED_ORIGINS ? Object.freeze(e.ALLOWED_ORIGINS) : undefined,
    production: e.NODE_ENV === "production",
    nodeEnv: e.NODE_ENV,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    presence: Object.freeze({ heartbeatMs: e.PRESENCE_HEARTBEAT_MS, ttlMs: Math.max(e.PRESENCE_TTL_MS, 2 * e.PRESENCE_HEARTBEAT_MS) }),
    limits: Object.freeze({
      maxConnections: e.MAX_CONNECTIONS,
      maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
      maxConnectionsPerUser: e.MAX_CONNECTIONS_PER_USER,
      maxSubscriptionsPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxMembersPerRoom: e.MAX_MEMBERS_PER_ROOM,
      privateRoomsPerDay: e.PRIVATE_ROOMS_PER_DAY,
      invites: { burst: Math.max(1, Math.ceil(e.INVITES_PER_MINUTE / 2)), perSecond: e.INVITES_PER_MINUTE / 60 },
      roomCreate: { burst: e.ROOM_CREATE_BURST, perSecond: e.ROOM_CREATE_PER_HOUR / 3600 },
      search: { burst: e.SEARCH_BURST, perSecond: e.SEARCH_PER_MINUTE / 60 },
      searchPerIp: { burst: e.SEARCH_BURST_PER_IP, perSecond: e.SEARCH_PER_MINUTE_PER_IP / 60 },
      send: { burst: e.SEND_BURST, perSecond: e.SEND_PER_SECOND },
      loginPerUsernameIp: { burst: e.LOGIN_BURST_PER_USERNAME_IP, perSecond: e.LOGIN_PER_MINUTE_PER_USERNAME_IP / 60 },
      loginPerIp: { burst: e.LOGIN_BURST_PER_IP, perSecond: e.LOGIN_PER_MINUTE_PER_IP / 60 },
      registerPerIp: { burst: e.REGISTER_BURST_PER_IP, perSecond: e.REGISTER_PER_HOUR_PER_IP / 3600 },
      connectionHeartbeatMs: e.CONNECTION_HEARTBEAT_MS,
      connectionTtlMs: Math.max(e.CONNECTION_TTL_MS, 2 * e.CONNECTION_HEARTBEAT_MS),
      hashConcurrency: e.HASH_CONCURRENCY,
      maxBatchSize: e.MAX_BATCH_SIZE,
      maxCallsInFlight: e.MAX_CALLS_IN_FLIGHT,
      queuedBytesHighWater: e.QUEUED_BYTES_HIGH_WATER,
      maxQueuedBytes: e.MAX_QUEUED_BYTES,
      maxRequestBodyBytes: e.MAX_REQUEST_BODY_BYTES,
    }),
    ops: Object.freeze({
      logLevel: e.LOG_LEVEL,
      logPretty: (e.LOG_FORMAT ?? (e.NODE_ENV === "development" ? "pretty" : "json")) === "pretty",
      metricsToken: e.METRICS_TOKEN,
      shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    }),
    clientAddress: Object.freeze({ trust: e.TRUST_PROXY, header: e.TRUST_PROXY_HEADER }),
  });
}
