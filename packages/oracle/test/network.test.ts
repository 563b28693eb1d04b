import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import { hashConsensusAbi, operatorRegistryAbi } from "@tributary/sdk/abis";
import {
  type Address,
  type BaseError,
  ContractFunctionRevertedError,
  type Hex,
  parseEther,
  parseGwei,
} from "viem";
import {
  activationEpochOf,
  DEFAULT_FEE_RECIPIENT,
  SECONDS_PER_SLOT,
  STAKER_INDEX,
  startTestNetwork,
  type TestNetwork,
} from "./helpers/network.js";

const GWEI = 1_000_000_000n;
const MAX_EFFECTIVE_BALANCE_GWEI = "32000000000";
/** Sends the test's priority-fee transactions; anvil funds development accounts 0-9. */
const SENDER = 7;

type BlockJson = {
  data: {
    message: {
      slot: string;
      proposer_index: string;
      body: {
        execution_payload: {
          fee_recipient: string;
          block_hash: string;
          block_number: string;
          timestamp: string;
          withdrawals: Array<{ validator_index: string; address: string; amount: string }>;
        };
      };
    };
  };
};
type ValidatorJson = {
  index: string;
  balance: string;
  status: string;
  validator: { effective_balance: string; withdrawal_credentials: string; activation_epoch: string };
};
type DutyJson = { data: Array<{ validator_index: string; slot: string }> };

describe("test network: anvil, the protocol and the consensus layer driven slot by slot", () => {
  let net: TestNetwork;
  const startedMs: number[] = [];

  before(async () => {
    const t0 = performance.now();
    net = await startTestNetwork();
    startedMs.push(performance.now() - t0);
  });
  after(async () => {
    await net?.stop();
  });

  const block = (slot: number | "head") => net.beacon<BlockJson>(`/eth/v2/beacon/blocks/${slot}`);
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: unknown[] = []) =>
    net.publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>;

  it("activates every protocol validator with 32 ETH and the vault's credentials", async (t) => {
    const { contracts } = net.deployment;
    const count = net.protocolValidators.length;
    assert.equal(count, 6, "3 operators x 2 validators");
    const epoch = Math.floor(net.currentSlot() / SLOTS_PER_EPOCH);
    assert.equal(epoch, activationEpochOf(count), "the setup ends at the epoch the validators become active");
    assert.ok(epoch < net.initialEpoch, "active before the first frame's reference slot");

    const ids = net.protocolValidators.map((v) => v.index).join(",");
    const { data } = await net.beacon<{ data: ValidatorJson[] }>(
      `/eth/v1/beacon/states/head/validators?id=${ids}`,
    );
    assert.equal(data.length, count, "every protocol validator is on the beacon chain");
    const credentials = await read<Hex>(
      contracts.operatorRegistry,
      operatorRegistryAbi,
      "withdrawalCredentials",
    );
    for (const v of data) {
      assert.equal(v.status, "active_ongoing", `validator ${v.index} active`);
      assert.equal(
        v.validator.effective_balance,
        MAX_EFFECTIVE_BALANCE_GWEI,
        `validator ${v.index}: 32 ETH effective`,
      );
      assert.ok(
        BigInt(v.balance) >= 32n * GWEI,
        `validator ${v.index}: balance ${v.balance} at least 32 ETH`,
      );
      assert.equal(
        v.validator.withdrawal_credentials,
        credentials.toLowerCase(),
        "the registry's credentials",
      );
    }
    const mine = net.protocolValidators.map((v) => v.pubkey.toLowerCase());
    assert.equal(new Set(mine).size, count, "distinct keys");

    const deposited = await read<bigint>(
      contracts.operatorRegistry,
      operatorRegistryAbi,
      "totalDepositedValidators",
    );
    assert.equal(deposited, BigInt(count), "the registry counts the validators on the beacon chain");
    for (const operator of net.operators) {
      const op = await read<{ depositedKeys: number }>(
        contracts.operatorRegistry,
        operatorRegistryAbi,
        "getOperator",
        [BigInt(operator.id)],
      );
      const onChain = net.protocolValidators.filter((v) => v.operatorId === operator.id).length;
      assert.equal(op.depositedKeys, onChain, `operator ${operator.id}: deposited keys`);
    }
    const { data: contract } = await net.beacon<{ data: { address: string } }>(
      "/eth/v1/config/deposit_contract",
    );
    assert.equal(
      contract.address.toLowerCase(),
      contracts.depositContract.toLowerCase(),
      "the deployment's deposit contract",
    );
    t.diagnostic(`network ready in ${Math.round(startedMs[0] ?? 0)} ms at slot ${net.currentSlot()}`);
  });

  it("follows the slots on the EVM: HashConsensus frames match the Beacon API", async () => {
    const { hashConsensus } = net.deployment.contracts;
    const { data: genesis } = await net.beacon<{ data: { genesis_time: string } }>("/eth/v1/beacon/genesis");
    const { data: spec } = await net.beacon<{ data: Record<string, string> }>("/eth/v1/config/spec");
    const [slotsPerEpoch, secondsPerSlot, genesisTime] = await read<[bigint, bigint, bigint]>(
      hashConsensus,
      hashConsensusAbi,
      "getChainConfig",
    );
    assert.equal(slotsPerEpoch, BigInt(spec.SLOTS_PER_EPOCH ?? ""), "slots per epoch");
    assert.equal(secondsPerSlot, BigInt(spec.SECONDS_PER_SLOT ?? ""), "seconds per slot");
    assert.equal(genesisTime, BigInt(genesis.genesis_time), "genesis time");
    const [initialEpoch, epochsPerFrame] = await read<[bigint, bigint]>(
      hashConsensus,
      hashConsensusAbi,
      "getFrameConfig",
    );
    assert.deepEqual([initialEpoch, epochsPerFrame], [BigInt(net.initialEpoch), 4n], "frame config");

    const frameSlots = net.epochsPerFrame * SLOTS_PER_EPOCH;
    const firstRef = net.initialEpoch * SLOTS_PER_EPOCH - 1;
    const frameAt = async (slot: number) => {
      await net.advanceTo(slot);
      const head = await block("head");
      const latest = await net.publicClient.getBlock();
      assert.equal(Number(head.data.message.slot), slot, `slot ${slot}: the head block is the slot's`);
      const payload = head.data.message.body.execution_payload;
      assert.equal(
        payload.block_hash,
        latest.hash,
        `slot ${slot}: the EVM's latest block is the slot's payload`,
      );
      assert.equal(
        latest.timestamp,
        BigInt(net.genesisTime + slot * SECONDS_PER_SLOT),
        `slot ${slot}: block time`,
      );
      return read<[bigint, bigint]>(hashConsensus, hashConsensusAbi, "getCurrentFrame").catch(
        (error: BaseError) => {
          const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
          assert.ok(revert instanceof ContractFunctionRevertedError, `slot ${slot}: ${error.message}`);
          assert.equal(revert.data?.errorName, "HashConsensusInitialEpochNotReached", `slot ${slot}: revert`);
          return null;
        },
      );
    };
    assert.equal(await frameAt(firstRef), null, "no frame before the initial epoch");
    assert.deepEqual(
      await frameAt(firstRef + 1),
      [BigInt(firstRef), BigInt(firstRef + frameSlots)],
      "frame 0 starts",
    );
    assert.deepEqual(
      await frameAt(firstRef + frameSlots),
      [BigInt(firstRef), BigInt(firstRef + frameSlots)],
      "frame 0 ends at its deadline slot",
    );
    assert.deepEqual(
      await frameAt(firstRef + frameSlots + 1),
      [BigInt(firstRef + frameSlots), BigInt(firstRef + 2 * frameSlots)],
      "frame 1: the reference slot moves by the frame's slots",
    );
    const finalized = await net.finalizedSlot();
    const lag = net.currentSlot() - finalized;
    assert.ok(lag > 0 && lag <= 3 * SLOTS_PER_EPOCH, `finality lags ${lag} slots`);
  });

  it("pays the vault for blocks proposed by protocol validators", async () => {
    const vault = net.vault.toLowerCase();
    const ours = new Set(net.protocolValidators.map((v) => v.index));
    // Proposers are known one epoch ahead: read the next epoch's until a protocol validator proposes.
    const duties: Array<{ slot: number; index: number }> = [];
    const dutiesOf = async (epoch: number) => {
      const { data } = await net.beacon<DutyJson>(`/eth/v1/validator/duties/proposer/${epoch}`);
      return data.map((d) => ({ slot: Number(d.slot), index: Number(d.validator_index) }));
    };
    for (let i = 0; i < 4 && !duties.some((d) => ours.has(d.index)); i++) {
      const next = Math.floor(net.currentSlot() / SLOTS_PER_EPOCH) + 1;
      duties.push(...(await dutiesOf(next)));
      if (!duties.some((d) => ours.has(d.index))) await net.advanceTo(next * SLOTS_PER_EPOCH);
    }
    const ourSlots = duties.filter((d) => ours.has(d.index)).map((d) => d.slot);
    assert.ok(ourSlots.length > 0, "protocol validators propose within 4 epochs");

    const target = ourSlots[0] as number;
    await net.advanceTo(target - 1);
    const vaultBefore = await net.publicClient.getBalance({ address: net.vault });
    const hash = await net.wallet(SENDER).sendTransaction({
      to: net.wallet(STAKER_INDEX).account.address,
      value: parseEther("1"),
      maxPriorityFeePerGas: parseGwei("1"),
      maxFeePerGas: parseGwei("2"),
    });
    await net.advanceTo(target);
    const [receipt] = await net.include(hash, "tip");
    const { data } = await block(target);
    const payload = data.message.body.execution_payload;
    assert.equal(
      payload.fee_recipient.toLowerCase(),
      vault,
      `slot ${target}: the protocol proposer's fee recipient is the vault`,
    );
    assert.equal(
      BigInt(payload.block_number),
      receipt?.blockNumber,
      "the tip's transaction is in that block",
    );
    const evmBlock = await net.publicClient.getBlock({ blockNumber: receipt?.blockNumber });
    assert.equal(evmBlock.miner.toLowerCase(), vault, "the EVM block's coinbase is the vault");
    const tip =
      (receipt?.gasUsed ?? 0n) * ((receipt?.effectiveGasPrice ?? 0n) - (evmBlock.baseFeePerGas ?? 0n));
    assert.ok(tip > 0n, "the transaction paid a priority fee");
    const skimmed = payload.withdrawals
      .filter((w) => w.address.toLowerCase() === vault)
      .reduce((sum, w) => sum + BigInt(w.amount) * GWEI, 0n);
    const vaultAfter = await net.publicClient.getBalance({ address: net.vault });
    assert.equal(
      vaultAfter - vaultBefore,
      tip + skimmed,
      "the vault got the priority fee and its skimmed rewards",
    );

    // Every block of that epoch and the next: the vault for protocol proposers, the default for others.
    const targetEpoch = Math.floor(target / SLOTS_PER_EPOCH);
    const checked = [
      ...duties.filter((d) => d.slot > target && Math.floor(d.slot / SLOTS_PER_EPOCH) === targetEpoch),
      ...(await dutiesOf(targetEpoch + 1)),
    ];
    await net.advanceTo(Math.max(...checked.map((d) => d.slot)));
    let others = 0;
    for (const duty of checked) {
      const { data: b } = await block(duty.slot);
      const expected = ours.has(duty.index) ? vault : DEFAULT_FEE_RECIPIENT;
      assert.equal(
        b.message.body.execution_payload.fee_recipient.toLowerCase(),
        expected,
        `slot ${duty.slot} fee recipient`,
      );
      if (!ours.has(duty.index)) others++;
    }
    assert.ok(others > 0, "other validators' blocks were checked too");
    assert.ok(
      (await net.publicClient.getBalance({ address: net.vault })) > vaultAfter,
      "the vault keeps growing",
    );
  });

  it("stakes and requests a redemption through slots", async () => {
    const slot = net.currentSlot();
    const staked = await net.stake(STAKER_INDEX, 1);
    const stakedBlock = await net.publicClient.getBlock({ blockNumber: staked.blockNumber });
    assert.equal(
      stakedBlock.timestamp,
      BigInt(net.genesisTime + net.currentSlot() * SECONDS_PER_SLOT),
      "mined in the slot that followed",
    );
    assert.ok(net.currentSlot() > slot, "a slot was produced to include it");
    const { requestId } = await net.requestRedeem(STAKER_INDEX, parseEther("0.5"));
    assert.equal(requestId, 1n, "the first withdrawal request");
  });

  it("puts a proxy in front of the Beacon API that fails on demand", async () => {
    const proxy = net.beaconProxy;
    const get = (path: string) => fetch(`${net.beaconProxyUrl}${path}`);
    assert.equal((await get("/eth/v1/node/health")).status, 200, "forwards");
    proxy.setFault({ status: 503, count: 2, path: /\/eth\/v1\/beacon\/genesis/ });
    assert.equal((await get("/eth/v1/beacon/genesis")).status, 503, "first faulted request");
    assert.equal((await get("/eth/v1/node/health")).status, 200, "other paths still forwarded");
    assert.equal((await get("/eth/v1/beacon/genesis")).status, 503, "second faulted request");
    assert.equal((await get("/eth/v1/beacon/genesis")).status, 200, "the fault is used up");
    assert.equal(proxy.faulted, 2, "faults counted");
    await proxy.setDown(true);
    await assert.rejects(get("/eth/v1/node/health"), "down: the connection is refused");
    await proxy.setDown(false);
    assert.equal((await get("/eth/v1/node/health")).status, 200, "up again");
  });

  it("deposits more validators while the chain runs; they activate with the vault as fee recipient", async (t) => {
    const { operatorRegistry } = net.deployment.contracts;
    const operator = net.operators[0];
    assert.ok(operator, "an operator");
    const start = net.currentSlot();
    const [key] = await net.addValidators(operator.id, 1);
    assert.ok(key, "one key deposited");
    assert.equal(key.keyIndex, 2, "the operator's third key");
    assert.equal(net.currentSlot() - start, 4, "keys, vetting, stake and deposit: one slot each");
    const deposited = await read<bigint>(operatorRegistry, operatorRegistryAbi, "totalDepositedValidators");
    assert.equal(deposited, BigInt(net.protocolValidators.length + 1), "the registry counts the new deposit");
    let validator: ValidatorJson | undefined;
    await net.advanceUntil(
      async () => {
        const { data } = await net.beacon<{ data: ValidatorJson[] }>(
          `/eth/v1/beacon/states/head/validators?id=${key.pubkey}`,
        );
        validator = data[0];
        return validator?.status === "active_ongoing";
      },
      { maxSlots: 16 * SLOTS_PER_EPOCH, what: "activation of the new validator" },
    );
    const epochs = Math.floor((net.currentSlot() - start) / SLOTS_PER_EPOCH);
    t.diagnostic(`a deposit made at slot ${start + 4} is active ${epochs} epochs later`);
    assert.equal(
      net.node.chain.feeRecipientOf(Number(validator?.index)).toLowerCase(),
      net.vault.toLowerCase(),
      "its fee recipient was registered once it had an index",
    );
  });

  it("takes validators offline and slashes them", async () => {
    const [a, b] = net.protocolValidators;
    assert.ok(a && b, "two protocol validators");
    const states = async () => {
      const ids = `${a.index},${b.index}`;
      const { data } = await net.beacon<{ data: ValidatorJson[] }>(
        `/eth/v1/beacon/states/head/validators?id=${ids}`,
      );
      const byIndex = (index: number) => data.find((v) => Number(v.index) === index);
      return { offline: byIndex(a.index), slashed: byIndex(b.index) };
    };
    const before = await states();
    net.offline([a.index]);
    net.slash([b.index]);
    await net.advanceSlots(2 * SLOTS_PER_EPOCH);
    net.offline([a.index], false);
    const after = await states();
    assert.equal(before.slashed?.status, "active_ongoing", "not slashed before");
    assert.equal(after.slashed?.status, "active_slashed", "slashed by the next block");
    assert.ok(
      BigInt(after.offline?.balance ?? 0) < BigInt(before.offline?.balance ?? 0),
      "the offline validator lost balance over two epochs",
    );
  });
});
