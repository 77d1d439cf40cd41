/** The bench's table: per scenario, Parlor's figure, the ceiling's, their ratio, and the target. */
export interface Target {
  ratioAtLeast?: number;
  ratioAtMost?: number;
  parlorAtLeast?: number;
  parlorAtMost?: number;
  /** An extra condition that must hold too (e.g. zero loss). */
  alsoZeroLoss?: boolean;
}

export interface Row {
  scenario: string;
  metric: string;
  unit: string;
  parlor: number | null;
  ceiling: number | null;
  target?: Target;
  note?: string;
}

export function ratio(row: Row): number | null {
  return row.parlor !== null && row.ceiling !== null && row.ceiling > 0 ? row.parlor / row.ceiling : null;
}

/** True/false when the row has a target, null otherwise. */
export function holds(row: Row): boolean | null {
  const t = row.target;
  if (!t || row.parlor === null) return null;
  const r = ratio(row);
  const checks: boolean[] = [];
  if (t.ratioAtLeast !== undefined) checks.push(r !== null && r >= t.ratioAtLeast);
  if (t.ratioAtMost !== undefined) checks.push(r !== null && r <= t.ratioAtMost);
  if (t.parlorAtLeast !== undefined) checks.push(row.parlor >= t.parlorAtLeast);
  if (t.parlorAtMost !== undefined) checks.push(row.parlor <= t.parlorAtMost);
  if (t.alsoZeroLoss !== undefined) checks.push(t.alsoZeroLoss);
  return checks.every(Boolean);
}

function describeTarget(t: Target | undefined, unit: string): string {
  if (!t) return "";
  const parts = [];
  if (t.parlorAtLeast !== undefined) parts.push(`≥ ${t.parlorAtLeast.toLocaleString("en")} ${unit}`);
  if (t.parlorAtMost !== undefined) parts.push(`≤ ${t.parlorAtMost} ${unit}`);
  if (t.ratioAtLeast !== undefined) parts.push(`ratio ≥ ${t.ratioAtLeast}`);
  if (t.ratioAtMost !== undefined) parts.push(`ratio ≤ ${t.ratioAtMost}`);
  if (t.alsoZeroLoss !== undefined) parts.push("no loss");
  return parts.join(", ");
}

const fmt = (n: number | null) =>
  n === null ? "—" : Number.isInteger(n) ? n.toLocaleString("en") : String(Math.round(n * 1000) / 1000);

export function renderMarkdown({
  machine,
  rows,
  failures,
}: {
  machine: Record<string, unknown>;
  rows: Row[];
  failures: string[];
}): string {
  const lines = [
    `# Parlor bench, ${String(machine.started).slice(0, 10)}${machine.quick ? " (--quick)" : ""}`,
    "",
    `Machine: ${machine.cores} cores, Bun ${machine.bun}, ${machine.platform}; ${machine.pinning}; load average ${machine.loadBefore} before, ${machine.loadAfter} after; ${machine.seconds} s.`,
    "Ratio = Parlor ÷ ceiling. Latencies are measured per delivery from the intended send time (open loop: no coordinated omission).",
    "",
  ];
  // Every target first, next to its ceiling: the page answers "which hold?" before it shows the detail.
  const targeted = rows.filter((row) => row.target);
  if (targeted.length) {
    const held = targeted.filter((row) => holds(row) === true).length;
    lines.push(
      `## Targets: ${held} of ${targeted.length} hold`,
      "",
      "| scenario | metric | Parlor | ceiling | ratio | target | holds |",
      "|---|---|---:|---:|---:|---|---|",
    );
    for (const row of targeted) {
      const r = ratio(row);
      const h = holds(row);
      lines.push(
        `| ${row.scenario.split(/ \(| vs |, (?![0-9]+ B)/)[0]} | ${row.metric}${row.unit ? ` (${row.unit})` : ""} | ${fmt(row.parlor)} | ${fmt(row.ceiling)} | ${r === null ? "—" : r.toFixed(2)} | ${describeTarget(row.target, row.unit)} | ${h === null ? "" : h ? "yes" : "**no**"} |`,
      );
    }
    lines.push("", "## Detail");
  }
  let scenario = "";
  for (const row of rows) {
    if (row.scenario !== scenario) {
      scenario = row.scenario;
      lines.push(
        "",
        `### ${scenario}`,
        "",
        "| metric | Parlor | ceiling | ratio | target | holds | notes |",
        "|---|---:|---:|---:|---|---|---|",
      );
    }
    const r = ratio(row);
    const h = holds(row);
    lines.push(
      `| ${row.metric}${row.unit ? ` (${row.unit})` : ""} | ${fmt(row.parlor)} | ${fmt(row.ceiling)} | ${r === null ? "—" : r.toFixed(2)} | ${describeTarget(row.target, row.unit)} | ${h === null ? "" : h ? "yes" : "**no**"} | ${row.note ?? ""} |`,
    );
  }
  lines.push(
    "",
    failures.length
      ? `## FAILED: ${failures.length} run(s) lost, duplicated or failed\n\n${failures.map((f) => `- ${f}`).join("\n")}`
      : "All runs: every expected delivery received once; no duplicates, no failed calls.",
    "",
  );
  return lines.join("\n");
}
