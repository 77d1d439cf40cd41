/**
 * The server's configuration, read once from the environment into a frozen,
 * typed object. A bad value stops start-up with a message that names the variable.
 */
import { availableParallelism } from "node:os";
import type { ForwardedHeader, TrustProxy } from "./limits/client-address.ts";
import type { RateLimit } from "./limits/rate-limiter.ts";
import type { LOG_LEVELS } from "./ops/log.ts";
import { type Settings, SettingsSchema } from "./settings.ts";

const workersOf = (e: Settings) => e.WORKERS ?? (e.REDIS_URL ? availableParallelism() : 1);

/** The settings, with the rules that tie one variable to another. */
const Env = SettingsSchema.superRefine((e, ctx) => {
  const fail = (variable: keyof Settings, message: string) =>
    ctx.addIssue({ code: "custom", path: [variable], message });
  const workers = workersOf(e);
  if (workers > 1 && !e.REDIS_URL)
    fail("WORKERS", `${workers} processes need REDIS_URL, or each reaches only its own subscribers`);
  if (workers > 1 && ["sqlite::memory:", ":memory:"].includes(e.DATABASE_URL)) {
    fail(
      "WORKERS",
      `${workers} processes need a shared database, not an in-memory one (DATABASE_URL ${JSON.stringify(redactSecrets(e.DATABASE_URL))})`,
    );
  }
  if (e.QUEUED_BYTES_HIGH_WATER >= e.MAX_QUEUED_BYTES) {
    fail(
      "QUEUED_BYTES_HIGH_WATER",
      `must be below MAX_QUEUED_BYTES (${e.MAX_QUEUED_BYTES}), or a socket is cut off before it waits`,
    );
  }
  if (e.MAX_BATCH_SIZE < e.MAX_SUBSCRIPTIONS_PER_CONNECTION) {
    fail(
      "MAX_BATCH_SIZE",
      `must be at least MAX_SUBSCRIPTIONS_PER_CONNECTION (${e.MAX_SUBSCRIPTIONS_PER_CONNECTION}): a reconnecting client resubscribes every room in one frame`,
    );
  }
});

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
  /** Signs and vouches for events between processes (groups/event-signature.ts); never logged. */
  readonly redisEventKey: string | undefined;
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
  readonly files: FilesConfig;
}

/** Where files live: a local directory, or a bucket of an S3-compatible store. */
export type StorageConfig =
  | { readonly kind: "local"; readonly dir: string }
  | {
      readonly kind: "s3";
      readonly bucket: string;
      readonly endpoint: string | undefined;
      readonly region: string | undefined;
      readonly accessKeyId: string | undefined;
      readonly secretAccessKey: string | undefined;
      readonly prefix: string;
    };

/** Uploads: their limits and their storage. */
export interface FilesConfig {
  readonly maxUploadBytes: number;
  readonly uploadsPerDay: number;
  readonly uploadBytesPerDay: number;
  readonly uploadsInFlight: number;
  readonly uploadsInFlightPerUser: number;
  readonly storage: StorageConfig;
}

/** Logs, metrics and shutdown. */
export interface Ops {
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly logPretty: boolean;
  /** Undefined: metrics are off. */
  readonly metricsToken: string | undefined;
  readonly shutdownDelayMs: number;
  /** How long a graceful stop waits for calls in flight. */
  readonly shutdownTimeoutMs: number;
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

/** Settings whose value a configuration error never shows (only its length). */
const SECRET_SETTINGS: ReadonlySet<string> = new Set(["REDIS_EVENT_KEY"]);

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const got = (name: string) =>
      env[name] === undefined
        ? "unset"
        : SECRET_SETTINGS.has(name)
          ? `${env[name].length} characters`
          : JSON.stringify(redactSecrets(env[name]));
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message} (got ${got(String(i.path[0]))})`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const workers = workersOf(e);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    redisEventKey: e.REDIS_EVENT_KEY,
    workers,
    allowedOrigins: e.ALLOWED_ORIGINS ? Object.freeze(e.ALLOWED_ORIGINS) : undefined,
    production: e.NODE_ENV === "production",
    nodeEnv: e.NODE_ENV,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    presence: Object.freeze({
      heartbeatMs: e.PRESENCE_HEARTBEAT_MS,
      ttlMs: Math.max(e.PRESENCE_TTL_MS, 2 * e.PRESENCE_HEARTBEAT_MS),
    }),
    limits: limitsOf(e),
    ops: Object.freeze({
      logLevel: e.LOG_LEVEL,
      logPretty: (e.LOG_FORMAT ?? (e.NODE_ENV === "development" ? "pretty" : "json")) === "pretty",
      metricsToken: e.METRICS_TOKEN,
      shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    }),
    clientAddress: Object.freeze({ trust: e.TRUST_PROXY, header: e.TRUST_PROXY_HEADER }),
    files: filesOf(e),
  });
}

/** The limits one client meets, from the settings (rates per second). */
function limitsOf(e: Settings): Limits {
  return Object.freeze({
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
  });
}

/** Uploads: their limits and where their bytes live. */
function filesOf(e: Settings): FilesConfig {
  return Object.freeze({
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    uploadsPerDay: e.UPLOADS_PER_DAY,
    uploadBytesPerDay: e.UPLOAD_BYTES_PER_DAY,
    uploadsInFlight: e.UPLOADS_IN_FLIGHT,
    uploadsInFlightPerUser: e.UPLOADS_IN_FLIGHT_PER_USER,
    storage: Object.freeze(
      e.S3_BUCKET
        ? {
            kind: "s3" as const,
            bucket: e.S3_BUCKET,
            endpoint: e.S3_ENDPOINT,
            region: e.S3_REGION,
            accessKeyId: e.S3_ACCESS_KEY_ID,
            secretAccessKey: e.S3_SECRET_ACCESS_KEY,
            prefix: e.S3_PREFIX,
          }
        : { kind: "local" as const, dir: e.UPLOADS_DIR },
    ),
  });
}
