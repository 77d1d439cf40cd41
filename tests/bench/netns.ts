/**
 * Several Parlor nodes on one machine, each as a deployment's node is: its own
 * network stack and address. One bridge in the root namespace holds the host's
 * address (where the shared Redis and PostgreSQL listen, and where the load
 * generator sends from); each node's namespace is joined to it by a veth pair.
 *
 *   root ns: bridge <tag>br 10.213.X.1/24 ── veth <tag>h<i> ═ <tag>n<i> (ns parlor-bench-<tag>-<i>) 10.213.X.1<i>/24
 *
 * Names carry the owning process's pid (base 36), so a crashed run's leftovers
 * are recognised and deleted by the next run (their pid is gone) without
 * touching a run still going. Needs root (CAP_NET_ADMIN); fails loudly without.
 */
import { existsSync } from "node:fs";

export interface NodeNetwork {
  /** The bridge's address in the root namespace: the shared services bind here. */
  hostAddress: string;
  nodes: { namespace: string; address: string }[];
  /** `argv` run inside a node's namespace. */
  exec(namespace: string, argv: string[]): string[];
  /** Deletes the namespaces, links and bridge (idempotent; also on exit and on SIGINT/SIGTERM). */
  remove(): void;
}

const NS_PREFIX = "parlor-bench-";
const LINK_RE = /^pb([0-9a-z]+)(?:br|h\d+|n\d+)$/;
const NS_RE = new RegExp(`^${NS_PREFIX}([0-9a-z]+)-\\d+$`);

function run(argv: string[], { check = true } = {}): string {
  const r = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
  if (check && r.exitCode !== 0)
    throw new Error(`${argv.join(" ")} failed (${r.exitCode}): ${r.stderr.toString().trim() || r.stdout.toString()}`);
  return r.stdout.toString();
}

const alive = (pid: number) => pid === process.pid || existsSync(`/proc/${pid}`);
const ownerOf = (tag: string) => Number.parseInt(tag, 36);

/** Namespaces and links left by runs whose process is gone: their processes killed, then deleted. */
export function removeStale(): string[] {
  const removed: string[] = [];
  for (const line of run(["ip", "netns", "list"]).split("\n")) {
    const name = line.split(" ")[0] ?? "";
    const m = NS_RE.exec(name);
    if (!m || alive(ownerOf(m[1]!))) continue;
    for (const pid of run(["ip", "netns", "pids", name], { check: false }).split(/\s+/).filter(Boolean))
      run(["kill", "-9", pid], { check: false });
    run(["ip", "netns", "delete", name], { check: false });
    removed.push(name);
  }
  for (const line of run(["ip", "-o", "link", "show"]).split("\n")) {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1];
    const m = name ? LINK_RE.exec(name) : null;
    if (!m || alive(ownerOf(m[1]!))) continue;
    run(["ip", "link", "delete", name!], { check: false });
    removed.push(name!);
  }
  return removed;
}

/** `count` namespaces on one bridge; throws (with what failed) if they cannot be made. */
export function createNodeNetwork(count: number): NodeNetwork {
  if (!Bun.which("ip")) throw new Error("nodes: the `ip` command (iproute2) is missing; it makes the namespaces");
  removeStale();
  const tag = process.pid.toString(36);
  // A /24 of its own per run (from the pid), so two runs at once do not share addresses.
  const subnet = `10.213.${(process.pid % 200) + 20}`;
  const bridge = `pb${tag}br`;
  const hostAddress = `${subnet}.1`;
  const nodes = Array.from({ length: count }, (_, i) => ({
    namespace: `${NS_PREFIX}${tag}-${i + 1}`,
    address: `${subnet}.${11 + i}`,
    hostEnd: `pb${tag}h${i + 1}`,
    nodeEnd: `pb${tag}n${i + 1}`,
  }));

  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    for (const n of nodes) {
      for (const pid of run(["ip", "netns", "pids", n.namespace], { check: false }).split(/\s+/).filter(Boolean))
        run(["kill", "-9", pid], { check: false });
      run(["ip", "netns", "delete", n.namespace], { check: false });
      run(["ip", "link", "delete", n.hostEnd], { check: false });
    }
    run(["ip", "link", "delete", bridge], { check: false });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("exit", remove);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    run(["ip", "link", "add", bridge, "type", "bridge"]);
    run(["ip", "addr", "add", `${hostAddress}/24`, "dev", bridge]);
    run(["ip", "link", "set", bridge, "up"]);
    for (const n of nodes) {
      run(["ip", "netns", "add", n.namespace]);
      run(["ip", "link", "add", n.hostEnd, "type", "veth", "peer", "name", n.nodeEnd]);
      run(["ip", "link", "set", n.hostEnd, "master", bridge]);
      run(["ip", "link", "set", n.hostEnd, "up"]);
      run(["ip", "link", "set", n.nodeEnd, "netns", n.namespace]);
      const inNs = ["ip", "netns", "exec", n.namespace];
      run([...inNs, "ip", "addr", "add", `${n.address}/24`, "dev", n.nodeEnd]);
      run([...inNs, "ip", "link", "set", n.nodeEnd, "up"]);
      run([...inNs, "ip", "link", "set", "lo", "up"]);
    }
  } catch (error) {
    remove();
    throw new Error(
      `nodes: cannot make network namespaces (needs root and iproute2): ${error instanceof Error ? error.message : error}`,
    );
  }
  return {
    hostAddress,
    nodes: nodes.map(({ namespace, address }) => ({ namespace, address })),
    exec: (namespace, argv) => ["ip", "netns", "exec", namespace, ...argv],
    remove() {
      remove();
      process.off("exit", remove);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
