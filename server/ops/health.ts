/**
 * Readiness: whether this process should be sent traffic. The database must
 * answer (within a bound: a hung database is not ready), Redis must be
 * connected when it is configured, and the process must not be shutting down.
 * Liveness (/healthz) is only "the process answers".
 */
import { sql } from "kysely";
import type { Db } from "../../db/index.ts";
import type { GroupLayer } from "../groups/group-layer.ts";
import { DB_CHECK_TIMEOUT_MS } from "../limits/defaults.ts";

export interface Readiness {
  ready: boolean;
  /** What is missing, e.g. ["redis"]; empty when ready. */
  missing: string[];
}

/** Whether the database answers `select 1` within DB_CHECK_TIMEOUT_MS. */
async function databaseAnswers(db: Db): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, DB_CHECK_TIMEOUT_MS, false)));
  try {
    return await Promise.race([
      sql`select 1`.execute(db).then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createReadiness({ db, groups }: { db: Db; groups: GroupLayer }) {
  let draining = false;
  return {
    /** From now on /readyz answers 503 "shutting down". */
    startDraining() {
      draining = true;
    },
    async check(): Promise<Readiness> {
      const missing: string[] = [];
      if (draining) missing.push("shutting down");
      if (!(await databaseAnswers(db))) missing.push("database");
      const status = groups.status?.();
      if (status && !status.connected) missing.push("redis");
      return { ready: missing.length === 0, missing };
    },
  };
}

export type ReadinessCheck = ReturnType<typeof createReadiness>;
