/**
 * Every fixed limit, timeout and capacity inside Parlor, in one place: what it
 * bounds and why it has that value. These are not settings: an operator tunes
 * only what server/settings.ts lists (environment variables); these follow
 * from the protocol, the schemas or the shape of the code, and tests may
 * narrow some of them through the options of the module that uses them.
 */
import type { RateLimit } from "./rate-limiter.ts";

// ── One WebSocket ────────────────────────────────────────────────────────────

/** Largest incoming frame; larger ones close the socket with 1009. A 4,000-character message is far below it. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Seconds a socket may stay silent (Bun's pings keep a live client talking) before Bun closes it: frees sockets of vanished peers. */
export const WS_IDLE_TIMEOUT_SECONDS = 60;
/** Bun's own backpressure cut, as a multiple of MAX_QUEUED_BYTES: well above ours, so ours (with its close code 4003) acts first. */
export const BUN_BACKPRESSURE_MULTIPLE = 4;
/**
 * `room.presence` watches one connection may hold: a tab watches one room, a
 * script a few. Each is presence in a room that every process hears of, so it
 * is bounded far below the general subscription cap.
 */
export const MAX_PRESENCE_WATCHES_PER_CONNECTION = 10;
/** How long a socket's confirmed session stands before it is looked up again: a session ended elsewhere stops its calls within a second. */
export const SESSION_RECHECK_MS = 1000;

// ── Shutting down ────────────────────────────────────────────────────────────

/**
 * How long a WebSocket keeps serving every call after the reconnect notice: the
 * time tRPC's client needs to open its new socket (to another process) and move
 * to it, after which it closes this one itself. Calls sent meanwhile run.
 */
export const RECONNECT_GRACE_MS = 1_000;
/**
 * How long a socket refused at its context (the per-user cap, bad connectionParams) stays open
 * after saying why: its first requests may still be on their way, and each gets the refusal as its
 * answer (so a client learns the code) before the socket closes.
 */
export const REFUSED_SOCKET_GRACE_MS = 1_000;
/** Past the drain deadline, how long shutdown still waits for sockets and HTTP before it cuts them: the close handshakes' time. */
export const DRAIN_STOP_MARGIN_MS = 1_000;
/** After the last forced close, how long the WebSocket drain waits for Bun to report each close: a peer that never answers is cut by the server's stop. */
export const FORCED_CLOSE_WAIT_MS = 1_000;

// ── Room streams, history and search ─────────────────────────────────────────

/** Seqs read from the database per replay step, at most. */
export const REPLAY_BATCH = 100;

/**
 * Bytes of entries (their weight: `entryWeight` in chat/room-stream.ts) one replay
 * step hands on, at most, plus one entry: what a socket is given between two
 * waits for it to drain. Far under
 * MAX_QUEUED_BYTES (1 MiB), so a reader that keeps up is never cut off as too slow
 * by a step of long messages (100 of them are 1.6 MB).
 */
export const REPLAY_STEP_BYTES = 256 * 1024;

/**
 * The most message ids one query looks through: a query reads only the hits
 * whose id is in [hi - SEARCH_SCAN_IDS, hi), hi being `before` or the newest
 * id + 1. So a word found only where the caller may not read (thousands of
 * hits in private rooms) costs at most this window, whatever the plan: FTS5
 * walks its doclist between two rowids, PostgreSQL scans the primary key or
 * the GIN index within the range. A page can then come back short, even
 * empty, with a `nextCursor` (the window's lower end) to search further back.
 */
export const SEARCH_SCAN_IDS = 10_000;
/**
 * How long new messages wait for SQLite's search indexer (server/chat/search-indexer.ts):
 * the sends of this window are indexed together, off their acknowledgements' path. A
 * search never waits for it: it brings the index up to date first.
 */
export const SEARCH_INDEX_DELAY_MS = 50;
/** Messages the indexer adds per transaction at most: the event loop runs between two. */
export const SEARCH_INDEX_BATCH = 1000;
/**
 * The longest the indexer should hold the event loop with one transaction: a batch that
 * takes longer halves the next (long messages, a slow disk, a catch-up of many), so sends
 * and reads never wait behind it for more than about this.
 */
export const SEARCH_INDEX_PAUSE_MS = 8;
/** Members one room.members answer lists: a page's worth, so a room of MAX_MEMBERS_PER_ROOM is not one huge answer. */
export const MEMBERS_LIST_MAX = 1000;
/** Rooms one user's room list (and me.rooms) follows: what a sidebar shows, and what one unread count statement covers. */
export const MY_ROOMS_MAX = 200;
/** The window PRIVATE_ROOMS_PER_DAY counts over. */
export const ROOM_CREATION_WINDOW_MS = 24 * 3600 * 1000;

// ── Writing ──────────────────────────────────────────────────────────────────

/** Sends that share one transaction at most (group commit): enough to absorb a burst, small enough that one commit stays short. */
export const WRITE_BATCH_MAX = 256;
/** Rows per multi-row insert of a batch: a few compiled statements serve every batch size, each far under the databases' bound-variable limits. */
export const INSERT_CHUNK_ROWS = 64;
/** How long a "may post here" answer is reused: a busy sender's burst costs one lookup; a change made on another process holds here at most this long, the bound SESSION_RECHECK_MS already sets. */
export const POST_ACCESS_TTL_MS = 1000;
/** "May post here" answers cached at once: bounded memory whatever the number of (user, room) pairs. */
export const POST_ACCESS_MAX_ENTRIES = 20_000;
/** Bounds of the expired-session sweep's interval (once per SESSION_TTL_SECONDS): not more often than every second, not less often than hourly. */
export const SESSION_SWEEP_MS = { min: 1_000, max: 3_600_000 } as const;
/** A `sessions-ended` control event names at most this many sessions (the schema's bound in shared/schemas.ts): a mass logout is several small events. */
export const SESSIONS_PER_EVENT = 1000;

// ── The group layer ──────────────────────────────────────────────────────────

/** Events held for one slow subscriber before it is told it lagged (and resyncs from the database): bounded memory per subscriber. */
export const SUBSCRIBER_QUEUE_EVENTS = 1024;
/** The presence group's queue: heartbeats from many processes (and their parts) arrive together each beat. */
export const PRESENCE_QUEUE_EVENTS = 4096;
/** The control group's queue: a mass logout or a revocation storm must not lag the one stream that ends sessions. */
export const CONTROL_QUEUE_EVENTS = 10_000;
/** How long a Redis command (a publish, a shared-limit count) may wait, also while reconnecting: the data is stored already, or the limit counts per process. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;
/** How long start-up waits for Redis's first answer (a refusal is one) before serving without it. */
export const REDIS_CONNECT_TIMEOUT_MS = 5000;
/** Redis reconnect delays: quick after a blip, doubling up to once every 2 s, plus up to 50 ms of jitter so processes do not reconnect in step. */
export const REDIS_RETRY = { firstMs: 50, maxMs: 2000, jitterMs: 50 } as const;
/**
 * How old a signed event from Redis may be and still be taken without a confirming read (either way: clocks of
 * several machines differ). Pub/sub delivers in milliseconds; an older one (a replay) is confirmed, never dropped for it.
 */
export const SIGNED_EVENT_MAX_AGE_MS = 30_000;

// ── Presence and typing ──────────────────────────────────────────────────────

/** Coalescing window for presence snapshots and for publishing local changes: at most four snapshots a second per room. */
export const PRESENCE_FLUSH_MS = 250;
/** How long a typing signal lasts without being repeated: clients repeat it every few seconds while typing. */
export const TYPING_TTL_MS = 5_000;
/** Clients send a typing signal every few seconds while typing; more is noise. */
export const TYPING_LIMIT: RateLimit = { burst: 5, perSecond: 1 };
/** Profile changes per user: each one reaches everyone watching them, so a burst of 5, then one a minute. */
export const PROFILE_LIMIT: RateLimit = { burst: 5, perSecond: 1 / 60 };

// ── Storage and processes ────────────────────────────────────────────────────

/** How long /readyz waits for `select 1`: a database that slow is not ready. */
export const DB_CHECK_TIMEOUT_MS = 2000;
/** A stream waiting out a storage error retries after this, doubling (with jitter) up to STORAGE_RETRY_MAX_MS. */
export const STORAGE_RETRY_FIRST_MS = 50;
/** The longest wait between two retries of a stream waiting out a storage error: it resumes within 2 s of the database's return. */
export const STORAGE_RETRY_MAX_MS = 2000;
/** How long `db:backup` waits on a busy SQLite database before giving up. */
export const BACKUP_BUSY_TIMEOUT_MS = 5000;
/** A worker that lived this long had started fine: its next restart is quick again. */
export const WORKER_HEALTHY_AFTER_MS = 10_000;
/** The first restart of a dead worker waits this long, doubling while it keeps dying young… */
export const WORKER_RESTART_FIRST_MS = 100;
/** …up to this: a worker that cannot start does not spin the machine. */
export const WORKER_RESTART_MAX_MS = 10_000;
/** How long the supervisor's stop waits for its workers after SIGTERM before SIGKILL: time for them to drain. */
export const WORKER_STOP_GRACE_MS = 10_000;
/** How often a worker checks that its supervisor still lives (a killed supervisor sends no signal). */
export const SUPERVISOR_CHECK_MS = 1000;

// ── Files and images ─────────────────────────────────────────────────────────

/**
 * Pixels an image may declare (50 MP: any phone's photo): more is refused from
 * its header, before decoding. A decoded image costs up to 4 bytes a pixel, and
 * one is decoded at a time per process (files/images.ts): ≤ 200 MB.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** A thumbnail's longest side. */
export const THUMBNAIL_MAX_PX = 480;
/** An upload may be attached by its uploader within this long; unattached, it is purged after it. */
export const UPLOAD_ATTACH_WINDOW_MS = 24 * 3600 * 1000;
/** How often unattached uploads past the window (and files of deleted messages left behind by a crash) are purged. */
export const UPLOAD_PURGE_INTERVAL_MS = 3600 * 1000;
/** Room for a multipart body's boundaries and part headers above MAX_UPLOAD_BYTES of file. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** The longest file name kept (code points); longer names are cut, keeping the extension. */
export const FILE_NAME_MAX = 200;
