/**
 * Every environment variable Parlor reads: its type, default and meaning, in one
 * zod schema. This is the one source: `server/config.ts` parses it, and
 * `bun run settings:docs` writes `.env.example` and the settings table of
 * docs/operations.md from it (a test fails when those copies drift).
 *
 * `.meta({ group, doc, shownDefault? })` on each variable: `doc` is the sentence
 * an operator reads; `shownDefault` replaces the default where it depends on the
 * machine (cores) or on other variables.
 */
import { z } from "zod";
import { parseDatabaseUrl } from "../db/index.ts";
import { HTTP_BATCH_MAX_CALLS } from "../shared/transport.ts";
import { parseTrustProxy } from "./limits/client-address.ts";
import { LOG_LEVELS } from "./ops/log.ts";

export const SETTING_GROUPS = {
  server: "The server",
  sessions: "Sessions and presence",
  limits: "Limits (SECURITY.md): what one client can take from everyone else",
  transport: 'Work and memory per connection (SECURITY.md, "What one connection can hold")',
  files: 'Files and images (SECURITY.md, "Files and images")',
  proxy: "Behind a reverse proxy",
  ops: "Operating it",
} as const;

export interface SettingMeta {
  group: keyof typeof SETTING_GROUPS;
  doc: string;
  shownDefault?: string;
}

const setting = <T extends z.ZodType>(schema: T, meta: SettingMeta) => schema.meta({ ...meta });
const count = (fallback: number) =>
  z.coerce.number().int("must be a whole number").min(1, "must be 1 or more").default(fallback);
const rate = (fallback: number) => z.coerce.number().positive("must be above 0").default(fallback);
const emptyIsUnset = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

function isDatabaseUrl(url: string): boolean {
  try {
    parseDatabaseUrl(url);
    return true;
  } catch {
    return false;
  }
}

export const SettingsSchema = z.object({
  PORT: setting(z.coerce.number().int().min(0).max(65535).default(3000), {
    group: "server",
    doc: "Port to listen on (0: any free port).",
  }),
  HOST: setting(z.string().min(1).default("localhost"), { group: "server", doc: "Interface to listen on." }),
  DATABASE_URL: setting(
    z
      .string()
      .default("sqlite:data/parlor.db")
      .refine(isDatabaseUrl, "use sqlite:<path>, sqlite::memory: or postgres://…"),
    { group: "server", doc: "sqlite:<path>, sqlite::memory:, or postgres://user@host:port/db." },
  ),
  REDIS_URL: setting(
    emptyIsUnset.refine((v) => v === undefined || /^rediss?:\/\//.test(v), "use redis://host:port"),
    {
      group: "server",
      doc: "Unset: the in-memory group layer (one process). redis://[:password@]host:port[/db]: the Redis layer, for several processes or machines.",
    },
  ),
  REDIS_PREFIX: setting(
    z
      .string()
      .regex(/^[A-Za-z0-9:._-]{0,64}$/, "up to 64 letters, digits, ':', '.', '_', '-'")
      .default("parlor:"),
    {
      group: "server",
      doc: "Prefix of this deployment's Redis channels and keys, so several deployments (or tests) can share one Redis.",
    },
  ),
  REDIS_EVENT_KEY: setting(
    emptyIsUnset.refine((v) => v === undefined || v.length >= 32, "at least 32 characters (openssl rand -base64 32)"),
    {
      group: "server",
      doc: 'With REDIS_URL: a secret every process of the deployment shares (at least 32 characters, e.g. from openssl rand -base64 32). Each process signs what it publishes with it (HMAC-SHA256) and takes an event signed with it as its own: no read of the database to confirm it. Unset, or a key another process does not share: entries from other processes are each confirmed against the database (correct, with more reads). Rotating it: "Several machines" in docs/operations.md.',
    },
  ),
  WORKERS: setting(z.coerce.number().int().min(1).max(256).optional(), {
    group: "server",
    doc: "Server processes sharing PORT, supervised; more than 1 needs REDIS_URL and a shared database.",
    shownDefault: "one per core with REDIS_URL, else 1",
  }),
  ALLOWED_ORIGINS: setting(
    z
      .string()
      .optional()
      .transform((v) =>
        v
          ? v
              .split(",")
              .map((o) => o.trim())
              .filter(Boolean)
          : undefined,
      )
      .refine(
        (list) => list === undefined || list.every((o) => URL.canParse(o) && new URL(o).origin === o),
        "each origin is scheme://host[:port], without a path",
      ),
    {
      group: "server",
      doc: "Comma-separated exact origins allowed to open the WebSocket and to call with cookies. Unset: only the server's own origin (as the browser addressed it).",
    },
  ),
  NODE_ENV: setting(z.enum(["development", "production", "test"]).default("development"), {
    group: "server",
    doc: "production (what bun run start sets): Secure cookies, no stack traces in answers.",
  }),
  SESSION_TTL_SECONDS: setting(count(30 * 24 * 3600), {
    group: "sessions",
    doc: "A session's life without use; each use in its second half extends it. Expired sessions are swept every SESSION_TTL_SECONDS (at least 1 s, at most hourly).",
  }),
  PRESENCE_HEARTBEAT_MS: setting(count(2_000), {
    group: "sessions",
    doc: "How often each process restates who it has in each room.",
  }),
  PRESENCE_TTL_MS: setting(count(6_000), {
    group: "sessions",
    doc: "How long other processes count those people after a process's last heartbeat (a crashed process's users leave within it); at least twice the heartbeat.",
  }),
  MAX_CONNECTIONS: setting(count(10_000), { group: "limits", doc: "WebSockets one process holds at once." }),
  MAX_CONNECTIONS_PER_IP: setting(count(200), {
    group: "limits",
    doc: "WebSockets from one address (an IPv6 /64) across the deployment.",
  }),
  MAX_CONNECTIONS_PER_USER: setting(count(20), {
    group: "limits",
    doc: "WebSockets of one user across the deployment.",
  }),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: setting(count(100), {
    group: "limits",
    doc: "Subscriptions one WebSocket holds at once.",
  }),
  MAX_MEMBERS_PER_ROOM: setting(count(10_000), { group: "limits", doc: "Members of one room." }),
  PRIVATE_ROOMS_PER_DAY: setting(count(50), { group: "limits", doc: "Private rooms one user creates a day." }),
  INVITES_PER_MINUTE: setting(rate(20), { group: "limits", doc: "Invitations one user sends a minute." }),
  SEND_BURST: setting(count(20), {
    group: "limits",
    doc: "Sends (and edits, deletes, reactions) one user may make at once…",
  }),
  SEND_PER_SECOND: setting(rate(5), { group: "limits", doc: "…and then per second." }),
  ROOM_CREATE_BURST: setting(count(10), {
    group: "limits",
    doc: "Rooms one user may create at once (every attempt counts, a taken name too)…",
  }),
  ROOM_CREATE_PER_HOUR: setting(rate(30), { group: "limits", doc: "…and then per hour." }),
  SEARCH_BURST: setting(count(10), {
    group: "limits",
    doc: "Searches per signed-in user (per address for a guest) at once…",
  }),
  SEARCH_PER_MINUTE: setting(rate(60), { group: "limits", doc: "…and then per minute." }),
  SEARCH_BURST_PER_IP: setting(count(30), { group: "limits", doc: "Searches from one address at once, whoever asks…" }),
  SEARCH_PER_MINUTE_PER_IP: setting(rate(180), { group: "limits", doc: "…and then per minute." }),
  LOGIN_BURST_PER_USERNAME_IP: setting(count(5), {
    group: "limits",
    doc: "Sign-ins per (username, address) at once: a stranger guessing an account slows only their own address down…",
  }),
  LOGIN_PER_MINUTE_PER_USERNAME_IP: setting(rate(5), { group: "limits", doc: "…and then per minute." }),
  LOGIN_BURST_PER_IP: setting(count(20), { group: "limits", doc: "Sign-ins from one address at once…" }),
  LOGIN_PER_MINUTE_PER_IP: setting(rate(20), { group: "limits", doc: "…and then per minute." }),
  REGISTER_BURST_PER_IP: setting(count(10), { group: "limits", doc: "Accounts created from one address at once…" }),
  REGISTER_PER_HOUR_PER_IP: setting(rate(10), { group: "limits", doc: "…and then per hour." }),
  CONNECTION_HEARTBEAT_MS: setting(count(5_000), {
    group: "limits",
    doc: "With REDIS_URL: how often a process restates its open connections in the shared counts.",
  }),
  CONNECTION_TTL_MS: setting(count(15_000), {
    group: "limits",
    doc: "With REDIS_URL: how long a process's connections count after its last heartbeat (a killed process stops counting); at least twice the heartbeat.",
  }),
  HASH_CONCURRENCY: setting(count(Math.max(1, navigator.hardwareConcurrency - 1)), {
    group: "limits",
    doc: "Password hashes computed at once on this machine (shared by its workers); the rest queue.",
    shownDefault: "all cores but one (at least 1)",
  }),
  MAX_BATCH_SIZE: setting(count(100), {
    group: "transport",
    doc: "Calls one WebSocket frame or one HTTP request may carry; more: none runs (PAYLOAD_TOO_LARGE, 413). At least MAX_SUBSCRIPTIONS_PER_CONNECTION: a reconnecting client resubscribes every room in one frame.",
  }),
  MAX_CALLS_IN_FLIGHT: setting(count(HTTP_BATCH_MAX_CALLS), {
    group: "transport",
    doc: "Queries and mutations running at once per WebSocket and per HTTP request; more are refused at once (TOO_MANY_REQUESTS), not queued.",
  }),
  QUEUED_BYTES_HIGH_WATER: setting(count(256 * 1024), {
    group: "transport",
    doc: "Bytes queued for one WebSocket at or above which it starts no new call and replays wait until it drains.",
  }),
  MAX_QUEUED_BYTES: setting(count(1024 * 1024), {
    group: "transport",
    doc: "Bytes queued for one WebSocket past which it is closed as too slow (4003); above QUEUED_BYTES_HIGH_WATER.",
  }),
  MAX_REQUEST_BODY_BYTES: setting(count(1024 * 1024), {
    group: "transport",
    doc: "Largest HTTP request body (413 beyond); request heads are capped by Bun at 16 KiB (431).",
  }),
  MAX_UPLOAD_BYTES: setting(count(25 * 1024 * 1024), {
    group: "files",
    doc: "Largest file one upload carries (413 PAYLOAD_TOO_LARGE beyond, answered before the body is read).",
  }),
  UPLOADS_PER_DAY: setting(count(200), {
    group: "files",
    doc: "Files one user may upload in 24 hours (TOO_MANY_REQUESTS beyond)…",
  }),
  UPLOAD_BYTES_PER_DAY: setting(count(1024 * 1024 * 1024), { group: "files", doc: "…and bytes in all, in 24 hours." }),
  UPLOADS_IN_FLIGHT: setting(count(4), {
    group: "files",
    doc: "Uploads one process reads and stores at once; the rest wait, unread (the memory bound: about this many times MAX_UPLOAD_BYTES).",
  }),
  UPLOADS_IN_FLIGHT_PER_USER: setting(count(10), {
    group: "files",
    doc: "Uploads of one user running or waiting at once in a process; more are refused (TOO_MANY_REQUESTS).",
  }),
  UPLOADS_DIR: setting(z.string().min(1).default("data/uploads"), {
    group: "files",
    doc: "Where files are stored when S3_BUCKET is unset (created if missing).",
  }),
  S3_BUCKET: setting(emptyIsUnset, {
    group: "files",
    doc: "Set: files go to this bucket of an S3-compatible store instead of UPLOADS_DIR.",
  }),
  S3_ENDPOINT: setting(
    emptyIsUnset.refine((v) => v === undefined || /^https?:\/\//.test(v), "use http(s)://host[:port]"),
    { group: "files", doc: "The store's URL (MinIO, R2, …); unset: AWS S3 for S3_REGION." },
  ),
  S3_REGION: setting(emptyIsUnset, { group: "files", doc: "The bucket's region." }),
  S3_ACCESS_KEY_ID: setting(emptyIsUnset, {
    group: "files",
    doc: "Credentials for the bucket (unset: the usual AWS_* variables)…",
  }),
  S3_SECRET_ACCESS_KEY: setting(emptyIsUnset, { group: "files", doc: "…and its secret." }),
  S3_PREFIX: setting(
    z
      .string()
      .regex(/^[A-Za-z0-9/._-]{0,128}$/, "up to 128 letters, digits, '/', '.', '_', '-'")
      .default(""),
    {
      group: "files",
      doc: "Prefix of Parlor's keys in the bucket, e.g. parlor/.",
    },
  ),
  TRUST_PROXY: setting(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        try {
          return parseTrustProxy(v);
        } catch (error) {
          ctx.addIssue({
            code: "custom",
            message: `a hop count or a comma list of addresses/CIDRs: ${(error as Error).message}`,
          });
          return z.NEVER;
        }
      }),
    {
      group: "proxy",
      doc: "Unset: the client address is the socket's peer, whatever the headers say. A hop count (1: one proxy in front) or a comma list of proxy addresses/CIDRs: the client is read from TRUST_PROXY_HEADER through those hops only.",
    },
  ),
  TRUST_PROXY_HEADER: setting(z.enum(["x-forwarded-for", "forwarded"]).default("x-forwarded-for"), {
    group: "proxy",
    doc: "The header your proxies set: x-forwarded-for or forwarded (RFC 7239); the other one is ignored, since a client could write it.",
  }),
  LOG_LEVEL: setting(z.enum(LOG_LEVELS).default("info"), {
    group: "ops",
    doc: "fatal, error, warn, info, debug (adds an access line per request and per WebSocket), trace, silent.",
  }),
  LOG_FORMAT: setting(z.enum(["pretty", "json"]).optional(), {
    group: "ops",
    doc: "json: one object per line; pretty: lines for people (needs the dev dependency pino-pretty).",
    shownDefault: "pretty in development, else json",
  }),
  METRICS_TOKEN: setting(emptyIsUnset, {
    group: "ops",
    doc: "Unset: no /metrics (404). Set (a long random value): /metrics answers Authorization: Bearer <METRICS_TOKEN> only.",
  }),
  SHUTDOWN_DELAY_MS: setting(z.coerce.number().int().min(0).max(60_000).default(0), {
    group: "ops",
    doc: "On SIGTERM, how long /readyz answers 503 before the server stops accepting: your load balancer's probe interval.",
  }),
  SHUTDOWN_TIMEOUT_MS: setting(z.coerce.number().int().min(1_000).max(600_000).default(10_000), {
    group: "ops",
    doc: "After SIGTERM (and SHUTDOWN_DELAY_MS), how long the server waits for calls in flight to be answered before it closes what is left; below your orchestrator's kill grace period.",
  }),
});

export type Settings = z.output<typeof SettingsSchema>;
export type SettingName = keyof typeof SettingsSchema.shape;
