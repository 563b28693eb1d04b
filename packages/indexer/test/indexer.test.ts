/**
 * The indexer against a real chain (anvil with the real deployment) on PGlite and on a real
 * PostgreSQL server: every event recorded and the balances equal to the chain's; a restart after a
 * failure at any point of a batch resumes with no gap and no duplicate; a reorg (snapshot and
 * revert on anvil) rolls back to the common ancestor and ends equal to a fresh index of the chain.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { trETHAbi } from "@tributary/sdk/abis";
import { parseEther } from "viem";
import { stakeFor } from "../../sdk/test/withdrawals.js";
import type { BulkInsert, Database, Query } from "../src/db.js";
import { IndexerMetrics } from "../src/metrics.js";
import { readCursor } from "../src/store.js";
import {
  activity,
  mine,
  revert,
  snapshot,
  startTestProtocol,
  type TestProtocol,
  transferShares,
  USERS,
} from "./helpers/chain.js";
import { Databases, dump, indexerFor, kinds } from "./helpers/index.js";

/** The secondary indexes a first backfill defers are built again once it reaches the finalized block. */
async function assertIndexesBuilt(database: Database): Promise<void> {
  const rows = await database.query<{ name: string }>(
    "select indexname as name from pg_indexes where schemaname = current_schema() order by indexname",
  );
  const names = new Set(rows.map((r) => r.name));
  for (const name of ["events_name", "transfers_from", "transfers_to", "balances_holders", "keys_pubkey"]) {
    assert.ok(names.has(name), `index ${name} built`);
  }
  const deferred = await database.query("select 1 from meta where key = 'deferred_indexes'");
  assert.equal(deferred.length, 0, "no index left deferred");
}

for (const kind of kinds()) {
  describe(`indexer on ${kind}`, () => {
    let t: TestProtocol;
    const databases = new Databases(kind);
    let reference: Database;

    before(async () => {
      t = await startTestProtocol();
      await activity(t, 0);
      // Round 0 becomes final (anvil finalizes 64 blocks back): indexed by log ranges; round 1 block by block.
      await mine(t, 70);
      await activity(t, 1);
      reference = await databases.fresh();
      await indexerFor(t, reference).sync();
    });
    after(async () => {
      await databases.close();
      await t?.stop();
    });

    test("records every event; balances, supply, reports and tickets equal the chain's", async () => {
      const head = await t.local.publicClient.getBlockNumber({ cacheTime: 0 });
      const cursor = await readCursor(reference.query);
      assert.equal(cursor?.number, head);
      const final = await t.local.publicClient.getBlock({ blockTag: "finalized" });
      const [backfilled] = (await reference.query<{ n: number }>(
        "select count(*)::int as n from events where block_number <= $1",
        [String(final.number)],
      )) as [{ n: number }];
      assert.ok(backfilled.n > 20, "events of the final blocks were indexed by ranges");
      const token = t.deployment.contracts.token;
      for (const user of [...USERS, 10]) {
        const address = t.local.address(user).toLowerCase();
        const onChain = await t.local.publicClient.readContract({
          address: token,
          abi: trETHAbi,
          functionName: "balanceOf",
          args: [address as `0x${string}`],
        });
        const rows = await reference.query<{ shares: string }>(
          "select shares from balances where address = $1",
          [address],
        );
        assert.equal(BigInt(rows[0]?.shares ?? 0), onChain, `balance of user ${user}`);
      }
      const supply = await t.local.publicClient.readContract({
        address: token,
        abi: trETHAbi,
        functionName: "totalSupply",
      });
      const zero = await reference.query<{ shares: string }>(
        "select shares from balances where address = '0x0000000000000000000000000000000000000000'",
      );
      assert.equal(-BigInt(zero[0]?.shares ?? 0), supply, "supply");

      const logs = await t.local.publicClient.getContractEvents({
        address: t.deployment.contracts.accounting,
        abi: (await import("@tributary/sdk/abis")).accountingAbi,
        eventName: "ReportApplied",
        fromBlock: 0n,
      });
      const reports = await reference.query<{
        ref_slot: string;
        share_rate: string;
        finalized_to: string | null;
      }>("select ref_slot::text, share_rate::text, finalized_to::text from reports order by ref_slot");
      assert.equal(reports.length, logs.length);
      assert.ok(reports.length >= 2);
      for (const [i, log] of logs.entries()) {
        assert.equal(reports[i]?.ref_slot, String(log.args.refSlot));
        assert.equal(reports[i]?.share_rate, String(log.args.shareRate));
        assert.notEqual(reports[i]?.finalized_to, null, "the queue's ReportRecorded joined to the report");
      }
      const [{ requests, claims }] = (await reference.query<{ requests: number; claims: number }>(
        "select (select count(*)::int from requests) as requests, (select count(*)::int from claims) as claims",
      )) as [{ requests: number; claims: number }];
      assert.equal(requests, 4);
      assert.equal(claims, 4);
      const deposits = await reference.query("select * from deposits");
      assert.equal(deposits.length, 1, "the operator's one deposit, with the vault's credentials");
      const names = await reference.query<{ name: string }>(
        "select distinct contract || '.' || name as name from events",
      );
      const seen = new Set(names.map((n) => n.name));
      for (const expected of [
        "trETH.Deposit",
        "trETH.RedeemRequest",
        "trETH.Rebased",
        "accounting.ReportApplied",
        "withdrawalQueue.WithdrawalClaimed",
        "operatorRegistry.OperatorRegistered",
        "operatorRegistry.KeyAdded",
        "depositSecurity.Deposited",
        "hashConsensus.ReportReceived",
        "depositContract.DepositEvent",
      ]) {
        assert.ok(seen.has(expected), `${expected} recorded`);
      }
      assert.ok(!seen.has("trETH.Transfer"), "transfers live in their own table, not twice");
      const [{ transfers }] = (await reference.query<{ transfers: number }>(
        "select count(*)::int as transfers from transfers where tx_hash like '0x%'",
      )) as [{ transfers: number }];
      const transferLogs = await t.local.publicClient.getContractEvents({
        address: t.deployment.contracts.token,
        abi: trETHAbi,
        eventName: "Transfer",
        fromBlock: BigInt(t.deployment.startBlock ?? t.deployment.blockNumber),
      });
      assert.equal(transfers, transferLogs.length, "every trETH Transfer, with its transaction");
      await assertIndexesBuilt(reference);
    });

    test("a failure at any point of a batch loses nothing: the restart resumes with no gap and no duplicate", async () => {
      const expected = await dump(reference);
      const database = await databases.fresh();
      // Every other batch, the process "dies" at its k-th statement, k = 1, 2, ... 8 in turn (a
      // batch with fewer statements goes through); each death is followed by a new indexer on the
      // same database, as after a restart.
      let k = 1;
      let transactions = 0;
      let deaths = 0;
      const dying: Database = {
        ...database,
        transaction: (fn) =>
          database.transaction(async (query, insert) => {
            const doomed = ++transactions % 2 === 1;
            let n = 0;
            const die = () => {
              if (doomed && ++n === k) throw new Error(`killed at statement ${k}`);
            };
            const counted: Query = (text, params) => {
              die();
              return query(text, params);
            };
            const countedInsert: BulkInsert = (table, columns, types, rows) => {
              if (rows.length > 0) die();
              return insert(table, columns, types, rows);
            };
            return fn(counted, countedInsert);
          }),
      };
      let done = false;
      for (let restarts = 0; restarts < 500 && !done; restarts++) {
        const indexer = indexerFor(t, dying, { chunk: 8n, liveBlocksPerStep: 4 });
        const before = await readCursor(database.query);
        try {
          await indexer.sync();
          done = true;
        } catch (error) {
          assert.match((error as Error).message, /killed at statement/);
          deaths++;
          k = (k % 8) + 1;
          // Nothing of the failed batch is written: the cursor is where the last whole batch left it.
          const now = await readCursor(database.query);
          assert.ok(
            before === undefined || (now !== undefined && now.number >= before.number),
            "the cursor never goes back",
          );
        }
      }
      assert.ok(done, "the index caught up");
      assert.ok(deaths >= 5, `died ${deaths} times`);
      assert.deepEqual(await dump(database), expected);
      // The first backfill deferred the secondary indexes; whatever the deaths, they are back.
      await assertIndexesBuilt(database);
    });

    test("a node that refuses large log ranges gets them in halves: nothing skipped", async () => {
      const database = await databases.fresh();
      const client = t.local.publicClient;
      let refused = 0;
      // A node that answers eth_getLogs for at most 5 blocks at once, as public nodes cap ranges.
      const picky = new Proxy(client, {
        get(target, key, receiver) {
          if (key !== "request") return Reflect.get(target, key, receiver);
          return async (args: { method: string; params: [{ fromBlock?: string; toBlock?: string }] }) => {
            const [filter] = args.params ?? [{}];
            if (args.method === "eth_getLogs" && filter?.fromBlock && filter.toBlock) {
              if (BigInt(filter.toBlock) - BigInt(filter.fromBlock) + 1n > 5n) {
                refused++;
                throw new Error("query returned more than 10000 results; block range too large");
              }
            }
            return target.request(args as never);
          };
        },
      });
      const metrics = new IndexerMetrics();
      await indexerFor(t, database, { publicClient: picky as typeof client, metrics }).sync();
      assert.ok(refused > 0, "the node refused ranges");
      assert.deepEqual(await dump(database), await dump(reference));
      assert.match(await metrics.text(), /indexer_log_range_splits_total [1-9]/);
    });

    test("a node whose log ranges lag behind its headers: blocks whose bloom names a source are read again by hash", async () => {
      const database = await databases.fresh();
      const client = t.local.publicClient;
      const finalized = (await client.getBlock({ blockTag: "finalized" })).number;
      let dropped = 0;
      // Live range queries answer without the logs of their last block, as a backend one block behind.
      const lagging = new Proxy(client, {
        get(target, key, receiver) {
          if (key !== "request") return Reflect.get(target, key, receiver);
          return async (args: { method: string; params: [{ fromBlock?: string; toBlock?: string }] }) => {
            const result = await target.request(args as never);
            const [filter] = args.params ?? [{}];
            if (args.method !== "eth_getLogs" || !filter?.toBlock || BigInt(filter.toBlock) <= finalized) {
              return result;
            }
            const logs = result as unknown as { blockNumber: string }[];
            const kept = logs.filter((l) => l.blockNumber !== filter.toBlock);
            dropped += logs.length - kept.length;
            return kept;
          };
        },
      });
      await indexerFor(t, database, { publicClient: lagging as typeof client, liveBlocksPerStep: 4 }).sync();
      assert.ok(dropped > 0, "the node left logs out");
      assert.deepEqual(await dump(database), await dump(reference));
    });

    test("a reorg rolls back to the common ancestor and ends equal to a fresh index", async () => {
      const database = await databases.fresh();
      const indexer = indexerFor(t, database);
      await indexer.init();
      await indexer.sync();
      const id = await snapshot(t);
      const [gone, kept] = [USERS[0] as number, 24];
      await stakeFor(t, 25, "3");
      await transferShares(t, 25, gone, parseEther("1"));
      await indexer.sync();
      const richer = await database.query<{ shares: string }>(
        "select shares from balances where address = $1",
        [t.local.address(25).toLowerCase()],
      );
      assert.equal(BigInt(richer[0]?.shares ?? 0) > 0n, true, "the branch that goes was indexed");

      await revert(t, id);
      await stakeFor(t, kept, "2");
      await mine(t, 3);
      await indexer.sync();
      const after = await dump(database);
      const fresh = await databases.fresh();
      await indexerFor(t, fresh).sync();
      assert.deepEqual(after, await dump(fresh));
      const orphan = await database.query<{ shares: string }>(
        "select shares from balances where address = $1",
        [t.local.address(25).toLowerCase()],
      );
      assert.equal(BigInt(orphan[0]?.shares ?? 0), 0n, "the orphaned stake is gone");
      const events = await database.query<{ n: number }>(
        "select count(*)::int as n from events where args->>'owner' = $1",
        [t.local.address(25).toLowerCase()],
      );
      assert.equal(events[0]?.n, 0, "and so are its events");
    });
  });
}
