/** Opening databases of either kind for a test, indexing a chain into them, and dumping them. */
import { createLogger } from "@tributary/daemon/log";
import { type Database, openDatabase } from "../../src/db.js";
import { Indexer, type IndexerOptions } from "../../src/indexer.js";
import type { TestProtocol } from "./chain.js";
import { type PostgresServer, postgresBin, startPostgres } from "./postgres.js";

export type Kind = "pglite" | "postgres";

/** The kinds the suite runs on: PGlite always, PostgreSQL when its binaries are here (always on CI). */
export function kinds(): Kind[] {
  if (postgresBin()) return ["pglite", "postgres"];
  if (process.env.CI) throw new Error("CI must run the suite on PostgreSQL too: no server binaries found");
  return ["pglite"];
}

/** Fresh databases of one kind: PGlite in memory, or new databases on one PostgreSQL server. */
export class Databases {
  server: PostgresServer | undefined;
  private count = 0;
  private readonly open: Database[] = [];

  constructor(readonly kind: Kind) {}

  async fresh(): Promise<Database> {
    let database: Database;
    if (this.kind === "pglite") database = await openDatabase({});
    else {
      this.server ??= await startPostgres();
      database = await openDatabase({ url: this.server.createDatabase(`t${++this.count}`) });
    }
    this.open.push(database);
    return database;
  }

  async close(): Promise<void> {
    for (const database of this.open) await database.close().catch(() => {});
    this.server?.stop();
  }
}

export const quiet = createLogger({ level: "error" });

export function indexerFor(
  t: TestProtocol,
  database: Database,
  options: Partial<IndexerOptions> = {},
): Indexer {
  return new Indexer({
    database,
    publicClient: t.local.publicClient,
    deployment: t.deployment,
    logger: quiet,
    ...options,
  });
}

const TABLES: Record<string, string> = {
  meta: "key",
  blocks: "number",
  events: "block_number, log_index",
  transfers: "block_number, log_index",
  balances: "address",
  reports: "ref_slot",
  requests: "request_id",
  claims: "request_id",
  keys: "block_number, log_index",
  deposits: "block_number, log_index",
  validator_snapshots: "ref_slot, pubkey",
};

/** Every table's rows in key order, as JSON text: two databases with equal dumps hold the same data. */
export async function dump(database: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    // Blocks kept only for their hash depend on when the indexer ran; blocks with events do not.
    const where = table === "blocks" ? " where has_events" : "";
    const rows = await database.query(`select * from ${table}${where} order by ${order}`);
    out[table] = JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  }
  return out;
}
