/**
 * A PostgreSQL 15 server for the tests, started and stopped by them: `initdb` in a temporary
 * directory, then `pg_ctl start` on a free port (loopback only, trust authentication, no fsync).
 * Run as root, the server runs as the `postgres` user (PostgreSQL refuses root).
 * The binaries: `$PG_BIN`, else /usr/lib/postgresql/15/bin.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../../../contracts/lib/bench.js";

export interface PostgresServer {
  url: string;
  /** A new, empty database on the server; returns its URL. */
  createDatabase(name: string): string;
  /** Stops the server, keeping its data (`resume` starts it again on the same port). */
  halt(): void;
  resume(): void;
  stop(): void;
}

export function postgresBin(): string | undefined {
  const dir = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";
  return existsSync(join(dir, "pg_ctl")) ? dir : undefined;
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  if (!bin) throw new Error("no PostgreSQL server binaries: set PG_BIN or install postgresql-15");
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const command = join(bin, tool);
    return asRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", command, ...args], { stdio: "pipe" })
      : execFileSync(command, args, { stdio: "pipe" });
  };
  const dir = mkdtempSync(join(tmpdir(), "tributary-pg-"));
  chmodSync(dir, 0o777);
  if (asRoot) execFileSync("chown", ["postgres", dir]);
  const data = join(dir, "data");
  const port = await freePort();
  run("initdb", ["-D", data, "-U", "tributary", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  const start = () =>
    run("pg_ctl", [
      "-D",
      data,
      "-w",
      "-l",
      join(dir, "log"),
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      "start",
    ]);
  start();
  const base = `postgres://tributary@127.0.0.1:${port}`;
  return {
    url: `${base}/postgres`,
    createDatabase(name) {
      run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "tributary", name]);
      return `${base}/${name}`;
    },
    halt() {
      run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
    },
    resume() {
      start();
    },
    stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
