/**
 * What the member publishes, as files under `<dataDir>/published/` that the HTTP server serves:
 *
 *   rewards-tree/<root>.json         {"refSlot", "root", "tree": <StandardMerkleTree dump>}
 *   rewards-tree/<root>.proofs.json  {"refSlot", "root", "proofs": {"<operatorId>": <entry>}}
 *   rewards-tree/latest.json         {"refSlot", "root"}
 *   exit-list/<hash>.json            {"refSlot", "hash", "entries": [...]}
 *   exit-list/latest.json            {"refSlot", "hash"}
 *   report/<refSlot>.json            the computed report, as given
 *   report/latest.json               {"refSlot"}
 *
 * Roots and hashes are lowercase 0x-hex (32 bytes). Every file is written atomically, the content
 * before the pointer, so `latest` always names a whole file. A pointer moves only forward: publishing
 * an older reference slot again (a restart) writes its files but leaves `latest` alone.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { jsonReplacer, writeFileAtomic } from "@tributary/daemon/store";

/** Published files are public: readable by everyone. */
const PUBLIC_MODE = 0o644;

export const PUBLISHED_DIR = "published";
export type Collection = "rewards-tree" | "exit-list" | "report";

/** A 32-byte 0x-hex root or hash. */
export const HASH_PATTERN = /^0x[0-9a-fA-F]{64}$/;
/** A reference slot or operator id: decimal, no leading zeros, below 2^53. */
export const INTEGER_PATTERN = /^(0|[1-9]\d{0,15})$/;

/** The pointer of a collection: the latest reference slot and, for trees and lists, its id. */
export interface LatestPointer {
  refSlot: number;
  id: string;
}

/** A JSON value given either as data or as JSON text (embedded as is, after a parse check). */
export type JsonInput = unknown;

function toJson(value: JsonInput): string {
  if (typeof value === "string") {
    JSON.parse(value); // throws on text that is not JSON
    return value;
  }
  return JSON.stringify(value, jsonReplacer);
}

function checkRefSlot(refSlot: number): void {
  if (!Number.isSafeInteger(refSlot) || refSlot < 0) throw new RangeError(`refSlot ${refSlot} is not a slot`);
}

function checkHash(value: string, what: string): string {
  if (!HASH_PATTERN.test(value)) throw new RangeError(`${what} ${value} is not 32 bytes of 0x-hex`);
  return value.toLowerCase();
}

/** Paths of the published files. */
export class PublishedFiles {
  readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, PUBLISHED_DIR);
  }
  tree(root: string): string {
    return join(this.dir, "rewards-tree", `${root}.json`);
  }
  proofs(root: string): string {
    return join(this.dir, "rewards-tree", `${root}.proofs.json`);
  }
  exitList(hash: string): string {
    return join(this.dir, "exit-list", `${hash}.json`);
  }
  report(refSlot: number | string): string {
    return join(this.dir, "report", `${refSlot}.json`);
  }
  latest(collection: Collection): string {
    return join(this.dir, collection, "latest.json");
  }

  /** The latest pointer of a collection; undefined before the first publication. */
  async readLatest(collection: Collection): Promise<LatestPointer | undefined> {
    let text: string;
    try {
      text = await readFile(this.latest(collection), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    const parsed = JSON.parse(text) as { refSlot: number; root?: string; hash?: string };
    return { refSlot: parsed.refSlot, id: parsed.root ?? parsed.hash ?? String(parsed.refSlot) };
  }
}

/**
 * Writes the publications.
 *
 * @example
 * const publisher = new Publisher(config.dataDir);
 * await publisher.publishTree(refSlot, tree.root, tree.dump(), proofsByOperator);
 * await publisher.publishExitList(refSlot, exitListHash, entries);
 * await publisher.publishReport(refSlot, reportJson);
 */
export class Publisher {
  readonly files: PublishedFiles;
  /** Publications run one after the other, so that two never race on a pointer. */
  private queue: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    this.files = new PublishedFiles(dataDir);
  }

  /**
   * The operators' rewards tree of a frame: its dump (`StandardMerkleTree.dump()`, or its JSON
   * text) and each operator's entry (e.g. `{ value, proof }`), keyed by operator id.
   */
  async publishTree(
    refSlot: number,
    root: string,
    dumpJson: JsonInput,
    proofsByOperator: ReadonlyMap<number | bigint | string, unknown> | Readonly<Record<string, unknown>>,
  ): Promise<void> {
    checkRefSlot(refSlot);
    const id = checkHash(root, "root");
    const proofs: Record<string, unknown> = {};
    const entries =
      proofsByOperator instanceof Map ? [...proofsByOperator.entries()] : Object.entries(proofsByOperator);
    for (const [operatorId, entry] of entries) {
      const key = String(operatorId);
      if (!INTEGER_PATTERN.test(key)) throw new RangeError(`operator id ${key} is not a whole number`);
      proofs[key] = entry;
    }
    const head = `{"refSlot":${refSlot},"root":"${id}"`;
    const tree = `${head},"tree":${toJson(dumpJson)}}\n`;
    const proofsText = `${head},"proofs":${toJson(proofs)}}\n`;
    await this.serial(async () => {
      await writeFileAtomic(this.files.tree(id), tree, { mode: PUBLIC_MODE });
      await writeFileAtomic(this.files.proofs(id), proofsText, { mode: PUBLIC_MODE });
      await this.advance("rewards-tree", refSlot, { refSlot, root: id });
    });
  }

  /** The exit list of a frame: the validators that must exit, in the order the report lists them. */
  async publishExitList(refSlot: number, hash: string, entries: JsonInput): Promise<void> {
    checkRefSlot(refSlot);
    const id = checkHash(hash, "hash");
    const text = `{"refSlot":${refSlot},"hash":"${id}","entries":${toJson(entries)}}\n`;
    await this.serial(async () => {
      await writeFileAtomic(this.files.exitList(id), text, { mode: PUBLIC_MODE });
      await this.advance("exit-list", refSlot, { refSlot, hash: id });
    });
  }

  /** The report this member computed for `refSlot` (object or JSON text). */
  async publishReport(refSlot: number, reportJson: JsonInput): Promise<void> {
    checkRefSlot(refSlot);
    const text = `${toJson(reportJson)}\n`;
    await this.serial(async () => {
      await writeFileAtomic(this.files.report(refSlot), text, { mode: PUBLIC_MODE });
      await this.advance("report", refSlot, { refSlot });
    });
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => {});
    return next;
  }

  /** Moves the pointer to `refSlot` unless it already names a later one. */
  private async advance(
    collection: Collection,
    refSlot: number,
    pointer: Record<string, unknown>,
  ): Promise<void> {
    const current = await this.files.readLatest(collection).catch(() => undefined);
    if (current && current.refSlot > refSlot) return;
    await writeFileAtomic(this.files.latest(collection), `${JSON.stringify(pointer)}\n`, {
      mode: PUBLIC_MODE,
    });
  }
}
