import { once } from "node:events";
import { open, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { stateLayout, validatorLayout } from "../src/state/layout.js";

/**
 * A minimal beacon node for the benchmark: serves one state file, as SSZ from the debug state route and
 * as the JSON validator list, on 127.0.0.1. The JSON is produced in chunks straight from the SSZ file
 * with backpressure, so the server holds a few megabytes whatever the registry size.
 */

const FAR_FUTURE = 0xffffffff;
const FAR_FUTURE_DECIMAL = "18446744073709551615";
/** Validators encoded per chunk of the JSON response. */
const JSON_CHUNK_VALIDATORS = 8192;
const SLOTS_PER_EPOCH = 32;

export interface BeaconServer {
  url: string;
  close(): Promise<void>;
}

interface StateFile {
  path: string;
  fork: string;
  size: number;
  slot: number;
  validatorsStart: number;
  balancesStart: number;
  validatorCount: number;
}

async function describeState(path: string, fork: string): Promise<StateFile> {
  const layout = stateLayout(fork);
  const file = await open(path, "r");
  try {
    const { size } = await stat(path);
    const fixed = Buffer.alloc(layout.fixedEnd);
    await file.read(fixed, 0, layout.fixedEnd, 0);
    const offsetOf = (index: number) =>
      fixed.readUInt32LE((layout.variableFields[index] as { offsetPosition: number }).offsetPosition);
    const validatorsStart = offsetOf(layout.validators);
    const balancesStart = offsetOf(layout.balances);
    return {
      path,
      fork,
      size,
      slot: Number(fixed.readBigUInt64LE(layout.slot)),
      validatorsStart,
      balancesStart,
      validatorCount: (balancesStart - validatorsStart) / validatorLayout().size,
    };
  } finally {
    await file.close();
  }
}

/** Decimal string of the u64 at `position`, FAR_FUTURE_EPOCH included. */
function uint64Decimal(bytes: Buffer, position: number): string {
  const low = bytes.readUInt32LE(position);
  const high = bytes.readUInt32LE(position + 4);
  if (high === FAR_FUTURE && low === FAR_FUTURE) return FAR_FUTURE_DECIMAL;
  return high === 0 ? String(low) : String(high * 2 ** 32 + low);
}

function isFar(bytes: Buffer, position: number): boolean {
  return bytes.readUInt32LE(position) === FAR_FUTURE && bytes.readUInt32LE(position + 4) === FAR_FUTURE;
}

function epochAt(bytes: Buffer, position: number): number {
  return isFar(bytes, position)
    ? Number.POSITIVE_INFINITY
    : bytes.readUInt32LE(position) + bytes.readUInt32LE(position + 4) * 2 ** 32;
}

/** The Beacon API's validator status at `epoch`. */
function status(record: Buffer, at: number, balance: number, epoch: number): string {
  const r = validatorLayout();
  const slashed = record[at + r.slashed] !== 0;
  const activation = epochAt(record, at + r.activationEpoch);
  const exit = epochAt(record, at + r.exitEpoch);
  if (activation > epoch) {
    return isFar(record, at + r.activationEligibilityEpoch) ? "pending_initialized" : "pending_queued";
  }
  if (exit > epoch) {
    if (exit === Number.POSITIVE_INFINITY) return "active_ongoing";
    return slashed ? "active_slashed" : "active_exiting";
  }
  if (epochAt(record, at + r.withdrawableEpoch) > epoch)
    return slashed ? "exited_slashed" : "exited_unslashed";
  return balance === 0 ? "withdrawal_done" : "withdrawal_possible";
}

async function serveValidatorsJson(state: StateFile, res: ServerResponse): Promise<void> {
  const r = validatorLayout();
  const epoch = Math.floor(state.slot / SLOTS_PER_EPOCH);
  const file = await open(state.path, "r");
  try {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"execution_optimistic":false,"finalized":true,"data":[');
    const records = Buffer.alloc(JSON_CHUNK_VALIDATORS * r.size);
    const balances = Buffer.alloc(JSON_CHUNK_VALIDATORS * 8);
    for (let first = 0; first < state.validatorCount; first += JSON_CHUNK_VALIDATORS) {
      const n = Math.min(JSON_CHUNK_VALIDATORS, state.validatorCount - first);
      await file.read(records, 0, n * r.size, state.validatorsStart + first * r.size);
      await file.read(balances, 0, n * 8, state.balancesStart + first * 8);
      const parts = new Array<string>(n);
      for (let k = 0; k < n; k++) {
        const at = k * r.size;
        const balance = balances.readUInt32LE(k * 8) + balances.readUInt32LE(k * 8 + 4) * 2 ** 32;
        parts[k] =
          `{"index":"${first + k}","balance":"${balance}","status":"${status(records, at, balance, epoch)}",` +
          `"validator":{"pubkey":"0x${records.toString("hex", at + r.pubkey, at + r.pubkey + 48)}",` +
          `"withdrawal_credentials":"0x${records.toString("hex", at + r.withdrawalCredentials, at + r.withdrawalCredentials + 32)}",` +
          `"effective_balance":"${uint64Decimal(records, at + r.effectiveBalance)}",` +
          `"slashed":${records[at + r.slashed] !== 0},` +
          `"activation_eligibility_epoch":"${uint64Decimal(records, at + r.activationEligibilityEpoch)}",` +
          `"activation_epoch":"${uint64Decimal(records, at + r.activationEpoch)}",` +
          `"exit_epoch":"${uint64Decimal(records, at + r.exitEpoch)}",` +
          `"withdrawable_epoch":"${uint64Decimal(records, at + r.withdrawableEpoch)}"}}`;
      }
      const chunk = (first === 0 ? "" : ",") + parts.join(",");
      if (!res.write(chunk)) await once(res, "drain");
    }
    res.end("]}");
  } finally {
    await file.close();
  }
}

async function serveStateSsz(state: StateFile, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!(req.headers.accept ?? "").includes("application/octet-stream")) {
    res.writeHead(406, { "content-type": "application/json" });
    res.end(JSON.stringify({ code: 406, message: "this bench server serves states as SSZ only" }));
    return;
  }
  res.writeHead(200, {
    "content-type": "application/octet-stream",
    "content-length": state.size,
    "eth-consensus-version": state.fork,
  });
  const file = await open(state.path, "r");
  try {
    for await (const chunk of file.createReadStream({ highWaterMark: 1 << 20 })) {
      if (!res.write(chunk)) await once(res, "drain");
    }
    res.end();
  } finally {
    await file.close();
  }
}

const STATE_ROUTE = /^\/eth\/v2\/debug\/beacon\/states\/[^/]+$/;
const VALIDATORS_ROUTE = /^\/eth\/v1\/beacon\/states\/[^/]+\/validators$/;

/** Starts the server on an ephemeral port of 127.0.0.1. */
export async function startBeaconServer(statePath: string, fork: string): Promise<BeaconServer> {
  const state = await describeState(statePath, fork);
  const route = (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0] as string;
    if (req.method === "GET" && STATE_ROUTE.test(path)) return serveStateSsz(state, req, res);
    if (req.method === "GET" && VALIDATORS_ROUTE.test(path)) return serveValidatorsJson(state, res);
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ code: 404, message: `no route ${req.method} ${path}` }));
    return Promise.resolve();
  };
  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
