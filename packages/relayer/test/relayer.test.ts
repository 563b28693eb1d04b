/**
 * Three relayers (a committee of 3, threshold 2) between two anvil chains: Ethereum with the
 * protocol deployed (chain 31337) and a remote chain (31338). trETH goes there and back, the rate
 * follows, a remote deposit is batched and staked on Ethereum, a transfer over the bridge's limit
 * waits and goes through by itself when the limit refills, a relayer alone cannot execute, and a
 * restarted relayer executes nothing twice. After each, shares locked on Ethereum for the bridge
 * equal the bridged supply plus what is in flight, to the wei.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { HttpServer } from "@tributary/daemon/http";
import {
  bridgeTrETH,
  getRemotePosition,
  getRemoteRate,
  remoteStake,
  simulateBridgeTrETH,
  simulateRemoteStake,
} from "@tributary/sdk";
import {
  bridgedTrETHAbi,
  messageBridgeAbi,
  rateReceiverAbi,
  remoteDepositPoolAbi,
  remoteStakeReceiverAbi,
  tokenBridgeAbi,
  trETHAbi,
  wethAbi,
} from "@tributary/sdk/abis";
import { createPublicClient, createWalletClient, type Hex, http, maxUint256, parseEther } from "viem";
import type { AnvilNode } from "../../../contracts/lib/anvil.js";
import { freePort, type LocalProtocol, startLocalProtocol } from "../../../contracts/lib/bench.js";
import { bridgedTokenAddress, type HomeSide, type RemoteSide } from "../../../contracts/lib/crosschain.js";
import { DEV_ROLES, devAccount } from "../../../contracts/lib/devkeys.js";
import { startBeaconProxy } from "../../oracle/test/helpers/beaconProxy.js";
import type { Relayer } from "../src/index.js";
import { type ChainPair, REMOTE_CHAIN, startChainPair, startTestRelayer } from "./pair.js";

describe("relayer committee between two chains", () => {
  let l1: LocalProtocol;
  let l2Node: AnvilNode;
  let home: HomeSide;
  let remote: RemoteSide;
  let pair: ChainPair;
  const dirs: string[] = [];
  const servers: (HttpServer | undefined)[] = [];
  const relayers: (Relayer | undefined)[] = [];
  /** Each relayer's server port, kept across restarts (peers know each other by URL). */
  const ports: number[] = [];
  const l2Client = () => createPublicClient({ transport: http(l2Node.url) });
  const l2Wallet = (i: number) => createWalletClient({ account: devAccount(i), transport: http(l2Node.url) });

  /** (Re)starts relayer `i` from its saved state; `remoteUrl`: its remote chain's RPC (default the node). */
  async function startRelayer(i: number, peers: number[], remoteUrl?: string): Promise<void> {
    await servers[i]?.close();
    const { relayer, server } = await startTestRelayer(pair, i, {
      port: ports[i] as number,
      peers: peers.map((p) => `http://127.0.0.1:${ports[p]}`),
      dataDir: dirs[i] as string,
      ...(remoteUrl ? { remoteUrl } : {}),
    });
    relayers[i] = relayer;
    servers[i] = server;
  }

  async function stepAll(): Promise<void> {
    for (const r of relayers) await r?.step();
  }

  /** Two rounds: a relayer that stepped before another executed a message drops it in the next. */
  async function settle(): Promise<void> {
    await stepAll();
    await stepAll();
  }

  async function locked(): Promise<bigint> {
    return l1.publicClient.readContract({
      address: l1.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [home.tokenBridge],
    });
  }

  /** Every message executed on the remote chain ran once. */
  async function assertNoneExecutedTwice(): Promise<void> {
    const executed = await l2Client().getContractEvents({
      address: remote.messageBridge,
      abi: messageBridgeAbi,
      eventName: "MessageExecuted",
      fromBlock: 0n,
    });
    const ids = executed.map((e) => e.args.id as Hex);
    assert.equal(new Set(ids).size, ids.length, "no message executed twice");
  }

  async function bridgedSupply(): Promise<bigint> {
    return l2Client().readContract({
      address: remote.bridgedToken,
      abi: bridgedTrETHAbi,
      functionName: "totalSupply",
    });
  }

  before(async () => {
    l1 = await startLocalProtocol();
    pair = await startChainPair(l1);
    ({ l2Node, home, remote } = pair);
    for (let i = 0; i < 3; i++) {
      dirs.push(mkdtempSync(join(tmpdir(), `relayer-${i}-`)));
      ports.push(await freePort());
    }
    for (const i of [0, 1, 2])
      await startRelayer(
        i,
        [0, 1, 2].filter((p) => p !== i),
      );
  });

  after(async () => {
    await Promise.all(servers.map((s) => s?.close()));
    await l2Node?.stop();
    await l1?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("deploys the bridged token at its CREATE2 address", async () => {
    assert.equal(remote.bridgedToken, bridgedTokenAddress(devAccount(DEV_ROLES.deployer).address));
    assert.ok(await l2Client().getCode({ address: remote.bridgedToken }));
  });

  it("bridges trETH to the remote chain and back, to the wei; the rate follows", async () => {
    const alice = l1.wallet(DEV_ROLES.firstUser);
    const a = alice.account.address;
    await l1.gasOf(
      await alice.writeContract({
        address: l1.deployment.contracts.token,
        abi: trETHAbi,
        functionName: "stake",
        args: [a],
        value: parseEther("5"),
        chain: undefined,
      }),
    );
    const amount = parseEther("1") + 1n;
    await l1.gasOf(
      await alice.writeContract({
        address: home.tokenBridge,
        abi: tokenBridgeAbi,
        functionName: "bridge",
        args: [BigInt(REMOTE_CHAIN), a, amount],
        chain: undefined,
      }),
    );
    assert.equal(await locked(), amount, "locked on Ethereum");
    assert.equal(await bridgedSupply(), 0n, "in flight");
    await stepAll();
    const balance = await l2Client().readContract({
      address: remote.bridgedToken,
      abi: bridgedTrETHAbi,
      functionName: "balanceOf",
      args: [a],
    });
    assert.equal(balance, amount, "arrived to the wei");
    assert.equal(await locked(), await bridgedSupply(), "conserved");
    // The rate of the last report (the deployment's) reached the remote chain.
    const [, answer] = await l2Client().readContract({
      address: remote.rateReceiver,
      abi: rateReceiverAbi,
      functionName: "latestRoundData",
    });
    const rate = await l1.publicClient.readContract({
      address: l1.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "convertToAssets",
      args: [parseEther("1")],
    });
    assert.equal(answer, rate, "the relayed rate is Ethereum's");

    // Back: 1 wei.
    const aliceL2 = l2Wallet(DEV_ROLES.firstUser);
    const hash = await aliceL2.writeContract({
      address: remote.tokenBridge,
      abi: tokenBridgeAbi,
      functionName: "bridge",
      args: [BigInt(home.chainId), a, 1n],
      chain: undefined,
    });
    await l2Client().waitForTransactionReceipt({ hash });
    const before = await l1.publicClient.readContract({
      address: l1.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [a],
    });
    await stepAll();
    const afterBack = await l1.publicClient.readContract({
      address: l1.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [a],
    });
    assert.equal(afterBack - before, 1n, "1 wei back");
    assert.equal(await locked(), await bridgedSupply(), "conserved");
    await settle();
    assert.deepEqual(
      relayers.map((r) => r?.waiting),
      [0, 0, 0],
      "nothing waits",
    );
  });

  it("stakes from the remote chain: the batch is staked on Ethereum and its shares locked", async () => {
    const bob = l2Wallet(DEV_ROLES.firstUser + 1);
    const b = bob.account.address;
    const client = l2Client();
    const weth = remote.weth;
    for (const [address, abi, functionName, args, value] of [
      [weth, wethAbi, "deposit", [], parseEther("3")],
      [weth, wethAbi, "approve", [remote.depositPool, maxUint256], undefined],
      [remote.depositPool, remoteDepositPoolAbi, "deposit", [parseEther("2"), b], undefined],
    ] as const) {
      const hash = await bob.writeContract({
        address,
        abi,
        functionName,
        args,
        value,
        chain: undefined,
      } as never);
      assert.equal((await client.waitForTransactionReceipt({ hash })).status, "success", functionName);
    }
    const minted = await client.readContract({
      address: remote.bridgedToken,
      abi: bridgedTrETHAbi,
      functionName: "balanceOf",
      args: [b],
    });
    assert.ok(minted > 0n, "minted at once");
    const lockedBefore = await locked();
    await stepAll(); // flushes the batch
    await stepAll(); // executes it on Ethereum
    assert.equal(await locked(), lockedBefore + minted, "the batch's shares are locked");
    assert.equal(await locked(), await bridgedSupply(), "conserved");
    const staked = await l1.publicClient.readContract({
      address: home.stakeReceiver,
      abi: remoteStakeReceiverAbi,
      functionName: "stakedAssets",
    });
    assert.equal(staked, parseEther("2"), "the WETH was staked on Ethereum");
  });

  it("a transfer over the limit waits and goes through by itself when the limit refills", async () => {
    const deployerL2 = l2Wallet(DEV_ROLES.deployer);
    const client = l2Client();
    const limitHash = await deployerL2.writeContract({
      address: remote.bridgedToken,
      abi: bridgedTrETHAbi,
      functionName: "setLimits",
      args: [remote.tokenBridge, parseEther("1"), parseEther("1")],
      chain: undefined,
    });
    await client.waitForTransactionReceipt({ hash: limitHash });
    const alice = l1.wallet(DEV_ROLES.firstUser);
    for (const amount of [parseEther("0.8"), parseEther("0.5")]) {
      await l1.gasOf(
        await alice.writeContract({
          address: home.tokenBridge,
          abi: tokenBridgeAbi,
          functionName: "bridge",
          args: [BigInt(REMOTE_CHAIN), alice.account.address, amount],
          chain: undefined,
        }),
      );
    }
    const supplyBefore = await bridgedSupply();
    await settle();
    assert.deepEqual(
      relayers.map((r) => r?.waiting),
      [1, 1, 1],
      "the second transfer waits",
    );
    const failed = await client.getContractEvents({
      address: remote.messageBridge,
      abi: messageBridgeAbi,
      eventName: "MessageFailed",
      fromBlock: 0n,
    });
    assert.equal(failed.length, 1, "recorded as failed, not reverted");
    assert.equal((await locked()) - (await bridgedSupply()), parseEther("0.5"), "in flight: the waiting one");
    // Half a day refills half the limit.
    await client.request({ method: "evm_increaseTime" as never, params: [43_200] as never });
    await client.request({ method: "evm_mine" as never, params: [] as never });
    await settle();
    assert.equal((await bridgedSupply()) - supplyBefore, parseEther("1.3"), "went through");
    assert.equal(await locked(), await bridgedSupply(), "conserved");
    assert.deepEqual(
      relayers.map((r) => r?.waiting),
      [0, 0, 0],
      "nothing waits",
    );
  });

  it("one relayer alone executes nothing; a restarted committee executes each message once", async () => {
    const alice = l1.wallet(DEV_ROLES.firstUser);
    await l1.gasOf(
      await alice.writeContract({
        address: home.tokenBridge,
        abi: tokenBridgeAbi,
        functionName: "bridge",
        args: [BigInt(REMOTE_CHAIN), alice.account.address, 7n],
        chain: undefined,
      }),
    );
    // Relayers 1 and 2 are down: relayer 0 has one signature of two (its peers do not answer).
    await servers[1]?.close();
    await servers[2]?.close();
    servers[1] = undefined;
    servers[2] = undefined;
    const only = relayers[0] as Relayer;
    relayers[1] = undefined;
    relayers[2] = undefined;
    await only.step();
    assert.equal(only.waiting, 1, "waits for a second signature");
    assert.equal((await locked()) - (await bridgedSupply()), 7n, "in flight");
    // The committee restarts from its saved state (relayer 0 too).
    await startRelayer(0, [1, 2]);
    await startRelayer(1, [0, 2]);
    await startRelayer(2, [0, 1]);
    await stepAll();
    await stepAll();
    assert.equal(await locked(), await bridgedSupply(), "conserved");
    await assertNoneExecutedTwice();
  });
  it("the SDK bridges, stakes from the remote chain and reads the position there, refusing before sending", async () => {
    const { crosschain } = pair;
    const alice = l1.wallet(DEV_ROLES.firstUser);
    const a = alice.account.address;
    const aliceL2 = l2Wallet(DEV_ROLES.firstUser);
    const deployerL2 = l2Wallet(DEV_ROLES.deployer);
    const setBridgeLimits = async (mint: bigint, burn: bigint) =>
      l2Client().waitForTransactionReceipt({
        hash: await deployerL2.writeContract({
          address: remote.bridgedToken,
          abi: bridgedTrETHAbi,
          functionName: "setLimits",
          args: [remote.tokenBridge, mint, burn],
          chain: undefined,
        }),
      });
    // The limits the test before lowered, back to their deployment's.
    await setBridgeLimits(parseEther("1000"), parseEther("1000"));
    const before = await getRemotePosition(l2Client(), { crosschain, owner: a });
    assert.equal(before.rate.stale, false, "a fresh rate");
    assert.equal(
      before.assets,
      (before.shares * before.rate.ethPerTrETH) / 10n ** 18n,
      "valued at the relayed rate",
    );

    // Ethereum to the remote chain, through the SDK: the message id it simulates is the one sent.
    const amount = parseEther("0.25") + 3n;
    const simulated = await simulateBridgeTrETH(alice, { crosschain, amount });
    assert.equal(simulated.destinationChainId, REMOTE_CHAIN);
    await l1.gasOf(await bridgeTrETH(alice, { crosschain, amount }));
    await settle();
    const after = await getRemotePosition(l2Client(), { crosschain, owner: a });
    assert.equal(after.shares - before.shares, amount, "arrived to the wei");
    const executed = await l2Client().getContractEvents({
      address: remote.messageBridge,
      abi: messageBridgeAbi,
      eventName: "MessageExecuted",
      fromBlock: 0n,
    });
    assert.ok(
      executed.some((e) => e.args.id === simulated.result),
      "the simulated message id was executed",
    );

    // Refusals before anything is sent.
    await assert.rejects(
      bridgeTrETH(aliceL2, { crosschain, amount: after.shares + 1n }),
      (e: Error & { errorName?: string }) => e.errorName === "ERC20InsufficientBalance",
    );
    await assert.rejects(getRemoteRate(l1.publicClient, { crosschain }), /runs on the remote chain/);
    await setBridgeLimits(parseEther("1000"), 10n);
    await assert.rejects(
      bridgeTrETH(aliceL2, { crosschain, amount: 11n }),
      (e: Error & { errorName?: string; args?: { available?: bigint } }) =>
        e.errorName === "BridgedTrETHBurnLimitExceeded" && e.args?.available === 10n,
    );

    // Staking from the remote chain with ETH only: wrap, approve and deposit, as the simulation says.
    const carol = l2Wallet(DEV_ROLES.firstUser + 2);
    const c = carol.account.address;
    const stake = parseEther("0.5");
    const plan = await simulateRemoteStake(carol, { crosschain, amount: stake });
    assert.deepEqual(
      plan.before.map((call) => call.functionName),
      ["deposit", "approve"],
      "wraps and approves first",
    );
    assert.equal(plan.fee, (stake * 10n + 9_999n) / 10_000n, "the pool's fee, rounded up");
    const held = (await getRemotePosition(l2Client(), { crosschain, owner: c })).shares;
    const hash = await remoteStake(carol, { crosschain, amount: stake });
    assert.equal((await l2Client().waitForTransactionReceipt({ hash })).status, "success");
    const position = await getRemotePosition(l2Client(), { crosschain, owner: c });
    assert.equal(position.shares - held, plan.result, "minted what the simulation said");
    assert.equal(
      plan.result,
      ((stake - plan.fee) * 10n ** 18n) / position.rate.ethPerTrETH,
      "at the relayed rate",
    );

    // A stale rate: the pool stops, and the SDK says so before sending.
    await l2Client().request({
      method: "evm_increaseTime" as never,
      params: [Number(position.rate.depositMaxRateAge) + 1] as never,
    });
    await l2Client().request({ method: "evm_mine" as never, params: [] as never });
    const stale = await getRemoteRate(l2Client(), { crosschain });
    assert.equal(stale.depositsOpen, false, "deposits closed on a stale rate");
    await assert.rejects(
      remoteStake(carol, { crosschain, amount: stake }),
      (e: Error & { errorName?: string }) => e.errorName === "RemoteDepositPoolStaleRate",
    );
  });
  it("through RPC faults (errors, then the remote node unreachable) a message is delivered once", async () => {
    // The committee's remote-chain calls go through a proxy that fails: the shared RPC client
    // retries, a step that still fails throws (the daemon's loop backs off and runs it again), and
    // the state saved before delivery lets the next step pick up where it stopped.
    const proxy = await startBeaconProxy(pair.l2Node.url);
    for (const i of [0, 1, 2])
      await startRelayer(
        i,
        [0, 1, 2].filter((p) => p !== i),
        proxy.url,
      );
    try {
      const alice = l1.wallet(DEV_ROLES.firstUser);
      await l1.gasOf(
        await alice.writeContract({
          address: home.tokenBridge,
          abi: tokenBridgeAbi,
          functionName: "bridge",
          args: [BigInt(REMOTE_CHAIN), alice.account.address, 11n],
          chain: undefined,
        }),
      );
      const supplyBefore = await bridgedSupply();
      proxy.setFault({ status: 503 });
      let failures = 0;
      for (const r of relayers) await (r as Relayer).step().catch(() => failures++);
      assert.equal(failures, 3, "every step failed while the node answered 503");
      proxy.setFault(null);
      await proxy.setDown(true);
      for (const r of relayers) await (r as Relayer).step().catch(() => failures++);
      assert.equal(failures, 6, "and while it was unreachable");
      assert.equal(await bridgedSupply(), supplyBefore, "nothing delivered meanwhile");
      await proxy.setDown(false);
      await settle();
      assert.equal((await bridgedSupply()) - supplyBefore, 11n, "delivered once the node is back");
      assert.equal(await locked(), await bridgedSupply(), "conserved");
      await assertNoneExecutedTwice();
      assert.ok(proxy.faulted > 0, "the faults were served");
    } finally {
      await proxy.stop();
    }
  });
});
