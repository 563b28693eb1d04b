/**
 * The guardians and the depositor under faults, on anvil and the embedded consensus layer:
 * - a JSON-RPC node and a beacon node that fail (5xx, 429, bodies that are not JSON, internal
 *   errors): steps fail, are logged and retried, nothing crashes, and the vetting lands;
 * - a deposit that lands between the guardians' signatures and the depositor's deposit: the deposit
 *   reverts, the depositor says what moved, collects new signatures and deposits, once;
 * - restarts: a guardian resumes its deposit index from disk; a depositor that sent a deposit before
 *   it stopped waits for it; a signed batch replayed reverts (its nonce is used).
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createLogger } from "@tributary/daemon/log";
import { chainForId, createRpc } from "@tributary/daemon/rpc";
import { depositDataRoot, generateMnemonic, generateValidatorKeys, NETWORKS } from "@tributary/operator/keys";
import { addKeys, registerOperator } from "@tributary/sdk";
import { depositContractAbi, depositSecurityAbi, operatorRegistryAbi } from "@tributary/sdk/abis";
import { concat, type Hex, hexToBytes, keccak256, numberToHex, parseEther, parseGwei, toHex } from "viem";
import { DEV_ROLES, devAccount } from "../../../contracts/lib/devkeys.js";
import { STAKER_INDEX, startTestNetwork, type TestNetwork } from "../../oracle/test/helpers/network.js";
import { Depositor } from "../src/depositor.js";
import { DepositorMetrics } from "../src/metrics.js";
import { type Committee, DEPOSITOR_ACCOUNT, startCommittee } from "./helpers/committee.js";
import { type FlakyRpc, startFlakyRpc } from "./helpers/flakyRpc.js";

const OPERATOR_ACCOUNT = 30;
const ATTACKER_ACCOUNT = 31;

async function fund(net: TestNetwork, accounts: number[]): Promise<void> {
  for (const account of accounts) {
    await net.publicClient.request({
      method: "anvil_setBalance",
      params: [devAccount(account).address, numberToHex(parseEther("1000"))],
    } as never);
  }
}

/** Registers an operator (account OPERATOR_ACCOUNT) with `count` good keys; returns its id. */
async function operatorWithKeys(net: TestNetwork, count: number): Promise<bigint> {
  const wallet = net.wallet(OPERATOR_ACCOUNT);
  const operatorId = await net.publicClient.readContract({
    address: net.deployment.contracts.operatorRegistry,
    abi: operatorRegistryAbi,
    functionName: "operatorCount",
  });
  await net.include(
    await registerOperator(wallet, {
      rewardAddress: wallet.account.address,
      commissionBps: 500,
      bond: 0n,
      deployment: net.deployment,
    }),
    "registerOperator",
  );
  const { keys } = await generateValidatorKeys({
    mnemonic: generateMnemonic(),
    startIndex: 0,
    count,
    withdrawalVault: net.vault,
    network: NETWORKS.devnet,
  });
  await net.include(
    await addKeys(wallet, {
      operatorId,
      pubkeys: concat(keys.map((k) => k.pubkey)),
      signatures: concat(keys.map((k) => `0x${k.depositData.signature}` as Hex)),
      deployment: net.deployment,
    }),
    "addKeys",
  );
  return operatorId;
}

async function operatorState(net: TestNetwork, operatorId: bigint) {
  const op = await net.publicClient.readContract({
    address: net.deployment.contracts.operatorRegistry,
    abi: operatorRegistryAbi,
    functionName: "getOperator",
    args: [operatorId],
  });
  return { vettedKeys: Number(op.vettedKeys), depositedKeys: Number(op.depositedKeys) };
}

const parsedLogs = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe("node faults", { timeout: 600_000 }, () => {
  let net: TestNetwork;
  let flaky: FlakyRpc;
  let committee: Committee;

  before(async () => {
    net = await startTestNetwork({ operators: 1, validatorsPerOperator: 1, logLevel: "silent" });
    await fund(net, [OPERATOR_ACCOUNT, DEPOSITOR_ACCOUNT, ...DEV_ROLES.guardians]);
    flaky = await startFlakyRpc(net.rpcUrl);
    committee = await startCommittee(net, { rpcUrl: flaky.url });
  });
  after(async () => {
    await committee?.stop();
    await flaky?.stop();
    await net?.stop();
  });

  it("keeps running through failing nodes, logs and counts each failure, and vets once they answer", async () => {
    const operatorId = await operatorWithKeys(net, 2);
    const cycle: Array<"status500" | "status429" | "malformed" | "internalError"> = [
      "malformed",
      "status500",
      "internalError",
      "status429",
    ];
    let turn = 0;
    net.beaconProxy.setFault({ status: 503, count: 30 });
    await net.advanceUntil(
      async () => {
        // Faults come and go while the chain moves on.
        const fault = cycle[turn % cycle.length] ?? null;
        flaky.setFault(turn % 3 === 2 ? null : fault, 25);
        turn += 1;
        return (await operatorState(net, operatorId)).vettedKeys === 2;
      },
      { maxSlots: 300, pauseMs: 30, what: "the vetting through failing nodes" },
    );
    flaky.setFault(null);
    net.beaconProxy.setFault(null);
    assert.ok(flaky.faulted > 0, "the RPC faults were served");
    assert.ok(net.beaconProxy.faulted > 0, "the beacon faults were served");
    const failures = parsedLogs(committee.allLogs()).filter((l) => l.msg === "guardian step failed");
    assert.ok(failures.length > 0, "failed steps are logged");
    assert.ok(failures.every((l) => typeof l.error === "string" && l.level === "error"));
    const metrics = await committee.guardians[0]?.metrics.text();
    assert.match(metrics ?? "", /guardian_step_failures_total [1-9]/);
    assert.match(
      metrics ?? "",
      /guardian_rpc_request_errors_total\{reason="(malformed|http_5xx|rate_limited|rpc_error)"\} [1-9]/,
    );
    // Every guardian is healthy again once a step succeeds with the nodes answering.
    await net.advanceUntil(
      async () => {
        const answers = await Promise.all(committee.guardians.map((g) => fetch(`${g.server.url}/health`)));
        return answers.every((r) => r.status === 200);
      },
      { maxSlots: 60, pauseMs: 150, what: "every guardian healthy again" },
    );
  });

  it("answers malformed requests with a named 400, and keeps serving", async () => {
    const url = committee.guardians[0]?.server.url;
    const bad = await fetch(`${url}/v1/deposit-signature`, { method: "POST", body: "{not json" });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: string }).error, "invalid_json");
    const mismatch = await fetch(`${url}/v1/deposit-signature`, {
      method: "POST",
      body: JSON.stringify({ operatorIds: [1, 2], counts: [1] }),
    });
    assert.equal(mismatch.status, 400);
    assert.match(((await mismatch.json()) as { detail: string }).detail, /same length/);
    const unvetted = await fetch(`${url}/v1/deposit-signature`, {
      method: "POST",
      body: JSON.stringify({ operatorIds: [0], counts: [500] }),
    });
    assert.equal(unvetted.status, 409);
    assert.equal(((await unvetted.json()) as { error: string }).error, "keys_not_vetted");
    assert.equal((await fetch(`${url}/health`)).status, 200);
  });
});

describe("a deposit between the signatures and the deposit, and restarts", { timeout: 600_000 }, () => {
  let net: TestNetwork;
  let committee: Committee;
  const frontRunners: ReturnType<typeof createServer>[] = [];
  let operatorId: bigint;
  // Armed once for every guardian: once a quorum has signed, the front-run goes in, and no
  // guardian's signature reaches the depositor before it is in a block (the depositor takes the
  // first quorum that answers, whichever guardians they are).
  let armed = true;
  /** Deposit signatures the guardians handed out before the front-run. */
  let signedOld = 0;
  let frontRunDone: Promise<unknown> | undefined;

  /** Sends a 1 ETH deposit of an unknown key with a higher tip and waits until it is in a block. */
  async function frontRun() {
    const pubkey = new Uint8Array(48).fill(7);
    const attacker = net.wallet(ATTACKER_ACCOUNT);
    const credentials = hexToBytes(`0x01${"00".repeat(11)}${attacker.account.address.slice(2)}`);
    const signature = new Uint8Array(96).fill(9);
    const root = depositDataRoot({
      pubkey,
      withdrawalCredentials: credentials,
      amount: 1_000_000_000,
      signature,
    });
    const hash = await attacker.writeContract({
      address: net.deployment.contracts.depositContract,
      abi: depositContractAbi,
      functionName: "deposit",
      args: [toHex(pubkey), toHex(credentials), toHex(signature), toHex(root)],
      value: parseEther("1"),
      maxPriorityFeePerGas: parseGwei("50"),
      maxFeePerGas: parseGwei("500"),
      chain: undefined,
    });
    await net.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 60_000 });
  }

  /** In front of a guardian: its deposit signatures wait for the front-run (sent once, on the first). */
  async function frontRunningProxy(target: string): Promise<string> {
    const frontRunner = createServer((request, response) => {
      forward(request, response).catch(() => {
        // The guardian behind it is stopped (the restart test): the depositor sees it unreachable.
        response.destroy();
      });
    });
    const forward = async (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const upstream = await fetch(`${target}${request.url}`, {
        method: request.method,
        headers: { "content-type": "application/json" },
        body: request.method === "POST" ? Buffer.concat(chunks) : undefined,
      });
      const text = await upstream.text();
      if (request.url === "/v1/deposit-signature" && upstream.ok) {
        // A quorum of guardians signs the old root first; only then does the front-run go in, and
        // no signature reaches the depositor before it is in a block. (Fired on the first signature,
        // a slow guardian could sign the new root, and a quorum on it would leave nothing to detect.)
        signedOld++;
        const deadline = Date.now() + 10_000;
        while (armed && signedOld < net.deployment.guardianQuorum && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        if (armed) {
          armed = false;
          frontRunDone = frontRun();
        }
        await frontRunDone;
      }
      response.writeHead(upstream.status, { "content-type": "application/json" });
      response.end(text);
    };
    frontRunners.push(frontRunner);
    await new Promise<void>((resolve) => frontRunner.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(frontRunner.address() as AddressInfo).port}`;
  }

  before(async () => {
    net = await startTestNetwork({ operators: 1, validatorsPerOperator: 1, logLevel: "silent" });
    await fund(net, [OPERATOR_ACCOUNT, ATTACKER_ACCOUNT, DEPOSITOR_ACCOUNT, ...DEV_ROLES.guardians]);
    committee = await startCommittee(net, {
      depositorGuardianUrls: async (urls) => Promise.all(urls.map((url) => frontRunningProxy(url))),
    });
    operatorId = await operatorWithKeys(net, 1);
  });
  after(async () => {
    await committee?.stop();
    for (const frontRunner of frontRunners) {
      frontRunner.close();
      frontRunner.closeAllConnections();
    }
    await net?.stop();
  });

  it("re-reads, says what moved, signs again and deposits once when the root moves", async () => {
    await net.advanceUntil(async () => (await operatorState(net, operatorId)).vettedKeys === 1, {
      maxSlots: 200,
      pauseMs: 20,
      what: "the vetting",
    });
    await net.stake(STAKER_INDEX, 32);
    // Slots pass only as fast as the daemons keep up on a busy machine (the re-signing takes a
    // round of signatures): a generous bound, which costs nothing when the deposit comes early.
    await net.advanceUntil(async () => (await operatorState(net, operatorId)).depositedKeys === 1, {
      maxSlots: 150,
      pauseMs: 150,
      what: "the deposit after the root moved",
    });
    // The depositor logs its deposit once it has the receipt, which can be after the chain shows it.
    for (let i = 0; i < 100 && !parsedLogs(committee.depositorLogs).some((l) => l.msg === "deposited"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const logs = parsedLogs(committee.depositorLogs);
    const moved = logs.find((l) => String(l.msg).startsWith("the deposit contract's root moved"));
    assert.ok(moved, "the depositor says the root moved");
    assert.equal(moved.depositsInBetween, 1);
    assert.notEqual(moved.signedRoot, moved.currentRoot);
    assert.equal(logs.filter((l) => l.msg === "deposited").length, 1);
    assert.equal((await committee.depositorMetrics.rootMoved.get()).values[0]?.value, 1);
    assert.equal((await committee.depositorMetrics.validatorsDeposited.get()).values[0]?.value, 1);
  });

  it("never deposits twice: a replayed batch reverts, and a restarted depositor waits for what it sent", async () => {
    const deposited = parsedLogs(committee.depositorLogs).find((l) => l.msg === "deposited");
    const hash = deposited?.transaction as Hex;
    const tx = await net.publicClient.getTransaction({ hash });
    await assert.rejects(
      net.publicClient.call({ account: devAccount(ATTACKER_ACCOUNT).address, to: tx.to, data: tx.input }),
      (error: Error) => {
        assert.match(error.message, /DepositSecurityStaleNonce|0x[0-9a-f]{8}/);
        return true;
      },
    );
    const nonce = await net.publicClient.readContract({
      address: net.deployment.contracts.depositSecurity,
      abi: depositSecurityAbi,
      functionName: "depositNonce",
    });
    // A depositor restarted with a sent deposit in its state: settled (mined), then one unknown to the node.
    for (const pending of [
      { hash, nonce: Number(nonce) - 1, expect: "the deposit sent before the restart is settled" },
      {
        hash: keccak256(toHex("never sent")),
        nonce: Number(nonce),
        expect: "the deposit sent before the restart is unknown to the node: dropped",
      },
    ]) {
      const dir = mkdtempSync(join(tmpdir(), "depositor-restart-"));
      writeFileSync(join(dir, "depositor.json"), JSON.stringify({ version: 1, state: { pending } }));
      const lines: string[] = [];
      const rpc = createRpc({ url: net.rpcUrl });
      const depositor = new Depositor({
        publicClient: rpc.publicClient,
        wallet: rpc.walletClient(
          devAccount(DEPOSITOR_ACCOUNT),
          chainForId(net.deployment.chainId, net.rpcUrl),
        ),
        deployment: net.deployment,
        guardianUrls: committee.guardians.map((g) => g.server.url),
        maxDepositsPerTx: 32,
        dataDir: dir,
        requestTimeoutMs: 5_000,
        logger: createLogger({ level: "debug", sink: (line) => lines.push(line) }),
        metrics: new DepositorMetrics({ defaultMetrics: false }),
        finalizedBlock: async () => undefined,
      });
      await depositor.init();
      const outcome = await depositor.step();
      assert.ok(
        parsedLogs(lines).some((l) => l.msg === pending.expect),
        `${pending.expect}: ${lines.join("\n")}`,
      );
      assert.equal(outcome.kind, "idle", "nothing left to deposit: no second deposit");
    }
  });

  it("a restarted guardian resumes its deposit index from disk", async () => {
    const first = committee.guardians[0];
    assert.ok(first);
    const indexed = first.guardian.health().depositsIndexed as number;
    const cursor = first.guardian.health().finalizedBlock;
    await first.stop();
    const restarted = await committee.startGuardian(0, first.dataDir);
    const ready = parsedLogs(restarted.logs).find((l) => l.msg === "guardian ready") as {
      depositIndex: { deposits: number; block: string };
    };
    assert.ok(indexed >= 1);
    assert.equal(ready.depositIndex.deposits, indexed, "every deposit indexed before the stop, from disk");
    assert.equal(ready.depositIndex.block, cursor, "resumed at the block it had reached");
    await net.advanceUntil(async () => restarted.guardian.operator(Number(operatorId)) !== undefined, {
      maxSlots: 60,
      pauseMs: 150,
      what: "the restarted guardian's first step",
    });
    assert.equal(restarted.guardian.operator(Number(operatorId))?.totalKeys, 1);
    await restarted.stop();
  });
});
