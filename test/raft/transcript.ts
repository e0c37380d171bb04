/**
 * Transcript interpreter: reads `testdata/*.txt` scripts of commands, each followed by the exact
 * output expected, in the spirit of etcd-io/raft's datadriven interaction tests (but our own format):
 *
 *     # comments (kept verbatim)
 *     command arg key=value
 *     ----
 *     expected output lines
 *     <blank line>
 *
 * `UPDATE_TRANSCRIPTS=1` rewrites the expected outputs from the actual ones.
 *
 * Commands:
 *   add-nodes voters=1,2,3 [learners=4] [timeouts=10,15,12] [prevote=bool] [checkquorum=bool] [election=N] [heartbeat=N] [inflight=N] [maxentries=N]
 *   add-blank <id> [options as above]     a new empty member joining an existing cluster
 *   set-timeout <id> <ticks>              election timeout the node draws from its next draw on
 *   campaign <id>                         etcd Campaign (pre-vote first when enabled)
 *   propose <id> <data>
 *   conf-change <id> add-voter|add-learner|promote|remove <node>
 *   read-index <id> <requestId>
 *   transfer-leader <id> <transferee>
 *   tick <id|all> [n]                     ticks without processing anything
 *   process-ready <id|all>
 *   deliver [from=N] [to=N] [type=T]      delivers matching messages on the wire (once)
 *   drop [from=N] [to=N] [type=T]
 *   stabilize                             process and deliver until quiet, printing everything
 *   run <ticks> [verbose]                 per tick: tick all live nodes, stabilize; prints events only
 *   partition 1,2 3,4,5 | isolate <id> | heal
 *   crash <id> | restart <id>
 *   compact <id> <index>                  snapshot at applied, drop log up to index
 *   status | log <id> | progress <id> | app | reads <id> | check
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { ConfChange, Message, NodeId } from "../../src/raft/types.js";
import { formatEntries } from "./format.js";
import { Cluster, type NodeOptions } from "./harness.js";

/** One command with its expected output. */
interface Block {
  readonly preamble: string[];
  readonly command: string;
  readonly expected: string[];
  readonly line: number;
}

/** Parses a transcript file into blocks; trailing comment lines are kept as `trailer`. */
export function parseTranscript(text: string): { blocks: Block[]; trailer: string[] } {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  let preamble: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "" || line.startsWith("#")) {
      preamble.push(line);
      i++;
      continue;
    }
    const command = line;
    const at = i + 1;
    i++;
    if (lines[i] !== "----") throw new Error(`line ${i + 1}: expected ---- after command "${command}"`);
    i++;
    const expected: string[] = [];
    while (i < lines.length && lines[i] !== "") expected.push(lines[i++]!);
    blocks.push({ preamble, command, expected, line: at });
    preamble = [];
    i++; // the blank line ending the block
  }
  while (preamble.length > 0 && preamble[preamble.length - 1] === "") preamble.pop();
  return { blocks, trailer: preamble };
}

/** Result of running one transcript. */
export interface TranscriptResult {
  /** The file as it would be with the actual outputs. */
  readonly actualText: string;
  /** One entry per block whose output differs. */
  readonly mismatches: { line: number; command: string; expected: string[]; actual: string[] }[];
}

/** Runs a transcript and compares outputs. */
export function runTranscript(text: string): TranscriptResult {
  const { blocks, trailer } = parseTranscript(text);
  let out: string[] = [];
  const cluster = new Cluster((line) => out.push(line));
  const interp = new Interpreter(cluster, (line) => out.push(line));
  const parts: string[] = [];
  const mismatches: TranscriptResult["mismatches"] = [];
  for (const b of blocks) {
    out = [];
    try {
      interp.run(b.command);
    } catch (err) {
      out.push(`error: ${(err as Error).message}`);
    }
    if (out.length === 0) out.push("ok");
    for (const p of b.preamble) parts.push(p);
    parts.push(b.command, "----", ...out, "");
    if (out.join("\n") !== b.expected.join("\n")) {
      mismatches.push({ line: b.line, command: b.command, expected: b.expected, actual: out });
    }
  }
  for (const p of trailer) parts.push(p);
  return { actualText: parts.join("\n").replace(/\n*$/, "\n"), mismatches };
}

/** Runs a transcript file; rewrites it when `update` is set. */
export function runTranscriptFile(path: string, update: boolean): TranscriptResult {
  const text = readFileSync(path, "utf8");
  const result = runTranscript(text);
  if (update && result.actualText !== text) writeFileSync(path, result.actualText);
  return result;
}

interface Args {
  readonly positional: string[];
  readonly named: Map<string, string>;
}

function parseArgs(words: string[]): Args {
  const positional: string[] = [];
  const named = new Map<string, string>();
  for (const w of words) {
    const eq = w.indexOf("=");
    if (eq > 0) named.set(w.slice(0, eq), w.slice(eq + 1));
    else positional.push(w);
  }
  return { positional, named };
}

function ids(text: string | undefined): NodeId[] {
  if (text === undefined || text === "") return [];
  return text.split(",").map((s) => num(s));
}

function num(s: string | undefined): number {
  const n = Number(s);
  if (s === undefined || !Number.isInteger(n)) throw new Error(`expected an integer, got ${s}`);
  return n;
}

function bool(s: string | undefined, dflt: boolean): boolean {
  if (s === undefined) return dflt;
  if (s === "true") return true;
  if (s === "false") return false;
  throw new Error(`expected true or false, got ${s}`);
}

function nodeOptions(a: Args): NodeOptions {
  const opt = (k: string): number | undefined => (a.named.has(k) ? num(a.named.get(k)) : undefined);
  const o: { -readonly [K in keyof NodeOptions]: NodeOptions[K] } = {
    preVote: bool(a.named.get("prevote"), true),
    checkQuorum: bool(a.named.get("checkquorum"), true),
  };
  if (opt("election") !== undefined) o.electionTicks = opt("election");
  if (opt("heartbeat") !== undefined) o.heartbeatTicks = opt("heartbeat");
  if (opt("inflight") !== undefined) o.maxInflightMsgs = opt("inflight");
  if (opt("maxentries") !== undefined) o.maxEntriesPerMsg = opt("maxentries");
  return o;
}

function messageFilter(a: Args): (m: Message) => boolean {
  const from = a.named.has("from") ? num(a.named.get("from")) : undefined;
  const to = a.named.has("to") ? num(a.named.get("to")) : undefined;
  const type = a.named.get("type");
  return (m) =>
    (from === undefined || m.from === from) &&
    (to === undefined || m.to === to) &&
    (type === undefined || m.type === type);
}

const CONF_TYPES: Readonly<Record<string, ConfChange["type"]>> = {
  "add-voter": "addVoter",
  "add-learner": "addLearner",
  promote: "promoteLearner",
  remove: "remove",
};

/** Executes transcript commands against a cluster. */
class Interpreter {
  constructor(
    private readonly c: Cluster,
    private readonly print: (line: string) => void,
  ) {}

  run(command: string): void {
    const [name, ...rest] = command.trim().split(/\s+/);
    const a = parseArgs(rest);
    const p = a.positional;
    const c = this.c;
    c.verbosity = "all";
    switch (name) {
      case "add-nodes":
        c.bootstrap(
          { voters: ids(a.named.get("voters")), learners: ids(a.named.get("learners")) },
          nodeOptions(a),
          ids(a.named.get("timeouts")),
        );
        return;
      case "add-blank":
        c.addBlank(num(p[0]), nodeOptions(a));
        return;
      case "set-timeout":
        c.member(num(p[0])).fixTimeout(num(p[1]));
        return;
      case "campaign":
        c.node(num(p[0])).campaign();
        return;
      case "propose":
        this.print(`${p[0]}: propose ${p[1]} -> ${c.propose(num(p[0]), p[1] ?? "")}`);
        return;
      case "conf-change": {
        const type = CONF_TYPES[p[1] ?? ""];
        if (type === undefined) throw new Error(`unknown conf change ${p[1]}`);
        const result = c.proposeConfChange(num(p[0]), { type, nodeId: num(p[2]) });
        this.print(`${p[0]}: propose ${type}(${p[2]}) -> ${result}`);
        return;
      }
      case "read-index":
        this.print(`${p[0]}: read-index ${p[1]} -> ${c.node(num(p[0])).readIndex(p[1] ?? "")}`);
        return;
      case "transfer-leader":
        c.node(num(p[0])).transferLeader(num(p[1]));
        return;
      case "tick": {
        const n = p[1] === undefined ? 1 : num(p[1]);
        const targets = p[0] === "all" ? c.live() : [c.node(num(p[0]))];
        for (let i = 0; i < n; i++) for (const r of targets) r.tick();
        return;
      }
      case "process-ready":
        if (p[0] === "all") c.processAll();
        else c.processReady(num(p[0]));
        return;
      case "deliver":
        c.deliverAll(messageFilter(a));
        return;
      case "drop":
        c.drop(messageFilter(a));
        return;
      case "stabilize":
        c.stabilize();
        return;
      case "run":
        this.runTicks(num(p[0]), p[1] === "verbose");
        return;
      case "partition":
        c.partition(p.map((g) => ids(g)));
        return;
      case "isolate":
        c.isolate(num(p[0]));
        return;
      case "heal":
        c.heal();
        return;
      case "crash":
        c.crash(num(p[0]));
        return;
      case "restart":
        c.restart(num(p[0]));
        return;
      case "compact": {
        const ok = c.compact(num(p[0]), num(p[1]));
        const r = c.node(num(p[0]));
        this.print(
          `${p[0]}: compact ${p[1]} -> ${ok ? `ok, log now ${r.firstIndex}..${r.lastIndex}` : "refused"}`,
        );
        return;
      }
      case "status":
        this.status();
        return;
      case "log": {
        const r = c.node(num(p[0]));
        const entries = r.entries(r.firstIndex, r.lastIndex);
        const snap = r.snapshot;
        this.print(
          `${p[0]}: ${snap !== null ? `snapshot ${snap.index}/${snap.term}; ` : ""}log ${r.firstIndex}..${r.lastIndex}${entries.length > 0 ? `: ${formatEntries(entries)}` : ""}`,
        );
        return;
      }
      case "progress":
        for (const pr of c.node(num(p[0])).status().progress) {
          this.print(
            `${pr.id}: ${pr.isLearner ? "learner " : ""}${pr.state} match=${pr.match} next=${pr.next}${pr.pendingSnapshot > 0 ? ` pendingSnapshot=${pr.pendingSnapshot}` : ""}${pr.inflight > 0 ? ` inflight=${pr.inflight}` : ""}${pr.recentActive ? " active" : ""}`,
          );
        }
        return;
      case "app":
        for (const id of c.ids()) {
          const m = c.member(id);
          this.print(
            `${id}: ${m.raft === null ? "down" : `applied ${m.app.index}: [${m.app.items.join(" ")}]`}`,
          );
        }
        return;
      case "check":
        if (c.checker.ok) this.print("invariants hold");
        for (const f of c.checker.findings) this.print(`${f.kind}: ${f.message}`);
        return;
      default:
        throw new Error(`unknown command ${name}`);
    }
  }

  private runTicks(n: number, verbose: boolean): void {
    const c = this.c;
    c.verbosity = verbose ? "all" : "none";
    for (let t = 1; t <= n; t++) {
      const before = c.events.length;
      c.tickAll();
      c.stabilize();
      if (!verbose) for (let i = before; i < c.events.length; i++) this.print(`tick ${t}: ${c.events[i]}`);
    }
  }

  private status(): void {
    for (const id of this.c.ids()) {
      const r = this.c.member(id).raft;
      if (r === null) {
        this.print(`${id}: down`);
        continue;
      }
      const s = r.status();
      const role = s.isLearner ? "learner" : s.role;
      this.print(
        `${id}: ${role} term=${s.term} vote=${s.vote} leader=${s.leader} commit=${s.commit} applied=${s.applied} log=${s.firstIndex}..${s.lastIndex}`,
      );
    }
  }
}
