import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getClient } from "@lodestar/api";
import { DOMAIN_DEPOSIT, DOMAIN_VOLUNTARY_EXIT, SLOTS_PER_EPOCH } from "@lodestar/params";
import { computeDomain, computeSigningRoot, interopSecretKey, ZERO_HASH } from "@lodestar/state-transition";
import { type fulu, ssz } from "@lodestar/types";
import { depositContractAbi } from "@tributary/sdk/abis";
import { createWalletClient, http, publicActions } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { DEVNET_TIMING, MAINNET_DEPOSIT_CONTRACT } from "../src/config.js";
import { JsonRpcExecutionLayer } from "../src/el/jsonRpcExecution.js";
import { httpTransport } from "../src/el/rpc.js";
import { createLogger } from "../src/log.js";
import { type Anvil, startAnvil } from "./helpers/anvil.js";
import { startTestNode, type TestNode } from "./helpers/node.js";

// Anvil's first well-known development account (public test key).
const FUNDED_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const WITHDRAWAL_ADDRESS = "0x00000000000000000000000000000000c0ffee01";
const AMOUNT_GWEI = 32_000_000_000;
const GWEI = 1_000_000_000n;
/** Interop key index of the depositing validator (genesis validators use 0..63). */
const OWNER = 1000;

/** Statuses a deposit goes through, as the Beacon API names them ("unknown": not in the registry yet). */
const LIFECYCLE = [
  "unknown",
  "pending_initialized",
  "pending_queued",
  "active_ongoing",
  "active_exiting",
  "exited_unslashed",
  "withdrawal_possible",
  "withdrawal_done",
];

function hex(bytes: Uint8Array): `0x${string}` {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

// Mainnet preset (rewards, penalties, churn) with the devnet chain-config timing: a validator may exit 4
// epochs after activation and withdraws 4 epochs after its exit, instead of 256 + 256 epochs.
describe("deposit on the EVM to full withdrawal on the EVM", () => {
  let anvil: Anvil;
  let t: TestNode;

  before(async () => {
    anvil = await startAnvil();
    const el = new JsonRpcExecutionLayer(httpTransport(anvil.url), createLogger("silent"));
    t = await startTestNode({ timing: DEVNET_TIMING }, el);
  });
  after(async () => {
    await t?.node.stop();
    await anvil?.stop();
  });

  it("activates, earns, exits and pays the full balance to the withdrawal address", async () => {
    const chain = t.node.chain;
    const config = chain.config;
    const wallet = createWalletClient({
      account: privateKeyToAccount(FUNDED_KEY),
      chain: foundry,
      transport: http(anvil.url),
    }).extend(publicActions);
    const api = getClient({ baseUrl: t.node.apiUrl ?? "" }, { config });

    const spec = (await api.config.getSpec()).value();
    assert.equal(spec.SHARD_COMMITTEE_PERIOD, String(DEVNET_TIMING.shardCommitteePeriod), "spec: exit delay");
    assert.equal(
      spec.MIN_VALIDATOR_WITHDRAWABILITY_DELAY,
      String(DEVNET_TIMING.minValidatorWithdrawabilityDelay),
      "spec: withdrawability delay",
    );
    assert.equal(spec.SLOTS_PER_EPOCH, "32", "spec: mainnet preset");
    assert.equal(spec.MIN_SLASHING_PENALTY_QUOTIENT_ELECTRA, "4096", "spec: mainnet slashing");

    const deposit = async (signer: number, owner: number) => {
      const pubkey = interopSecretKey(owner).toPublicKey().toBytes();
      const withdrawalCredentials = new Uint8Array(32);
      withdrawalCredentials[0] = 0x01;
      withdrawalCredentials.set(Buffer.from(WITHDRAWAL_ADDRESS.slice(2), "hex"), 12);
      const domain = computeDomain(DOMAIN_DEPOSIT, config.GENESIS_FORK_VERSION, ZERO_HASH);
      const message = { pubkey, withdrawalCredentials, amount: AMOUNT_GWEI };
      const signature = interopSecretKey(signer)
        .sign(computeSigningRoot(ssz.phase0.DepositMessage, message, domain))
        .toBytes();
      const root = ssz.phase0.DepositData.hashTreeRoot({ ...message, signature });
      const hash = await wallet.writeContract({
        address: MAINNET_DEPOSIT_CONTRACT,
        abi: depositContractAbi,
        functionName: "deposit",
        args: [hex(pubkey), hex(withdrawalCredentials), hex(signature), hex(root)],
        value: BigInt(AMOUNT_GWEI) * GWEI,
      });
      const receipt = await wallet.waitForTransactionReceipt({ hash });
      assert.equal(receipt.status, "success", "deposit transaction");
      return hex(pubkey);
    };
    const balanceOnEl = () => wallet.getBalance({ address: WITHDRAWAL_ADDRESS });
    assert.equal(await balanceOnEl(), 0n, "withdrawal address starts empty");
    const pubkey = await deposit(OWNER, OWNER);
    const badPubkey = await deposit(OWNER, OWNER + 1); // signed by the wrong key

    // Drive the chain one slot at a time; after each slot read the validator and the new block through the
    // Beacon API, keeping the order of statuses seen and the sum of withdrawals paid to the validator.
    const statuses: string[] = [];
    let withdrawnGwei = 0n;
    let lastWithdrawalGwei = 0n;
    let index: number | null = null;
    type Observed = { status: string; balance: number; epoch: number };
    const step = async (): Promise<Observed> => {
      await t.node.advanceTo(chain.processedSlot + 1);
      const res = await api.beacon.getStateValidator({ stateId: "head", validatorId: pubkey });
      const status = res.ok ? res.value().status : "unknown";
      if (!res.ok) assert.equal(res.status, 404, "a validator not in the registry yet is not found");
      if (statuses.at(-1) !== status) statuses.push(status);
      if (res.ok) index = res.value().index;
      const block = (await api.beacon.getBlockV2({ blockId: "head" })).value() as fulu.SignedBeaconBlock;
      assert.equal(block.message.slot, chain.processedSlot, "every slot has a block (all proposers online)");
      if (chain.processedSlot % SLOTS_PER_EPOCH === 0) {
        // The payload describes the EVM block mined for this slot (not the one before it).
        const payload = block.message.body.executionPayload;
        const mined = await wallet.getBlock({ blockTag: "latest" });
        assert.equal(hex(payload.blockHash), mined.hash, "payload block hash is the mined block's");
        assert.equal(BigInt(payload.timestamp), mined.timestamp, "payload timestamp is the mined block's");
        assert.equal(hex(payload.feeRecipient), mined.miner.toLowerCase(), "coinbase is the fee recipient");
      }
      for (const w of block.message.body.executionPayload.withdrawals) {
        if (w.validatorIndex !== index) continue;
        assert.equal(hex(w.address), WITHDRAWAL_ADDRESS, "withdrawal goes to the 0x01 credentials address");
        withdrawnGwei += BigInt(w.amount);
        lastWithdrawalGwei = BigInt(w.amount);
      }
      return {
        status,
        balance: res.ok ? res.value().balance : 0,
        epoch: Math.floor(chain.processedSlot / SLOTS_PER_EPOCH),
      };
    };
    const stepUntil = async (done: (o: Observed) => boolean, maxEpochs: number, what: string) => {
      for (let s = 0; s < maxEpochs * SLOTS_PER_EPOCH; s++) {
        const observed = await step();
        if (done(observed)) return observed;
      }
      return assert.fail(`${what} did not happen within ${maxEpochs} epochs`);
    };

    await stepUntil((o) => o.status === "active_ongoing", 16, "activation");
    assert.ok(
      t.logs.some(
        (line) => line.includes("deposit with invalid signature") && line.includes(badPubkey.slice(2, 20)),
      ),
      "bad deposit logged",
    );
    const bad = await api.beacon.getStateValidator({ stateId: "head", validatorId: badPubkey });
    assert.equal(bad.status, 404, "bad deposit dropped: no validator");
    assert.ok(index !== null, "validator index known");
    const validatorIndex: number = index;

    const signExit = (epoch: number) => {
      const message = { epoch, validatorIndex };
      // EIP-7044: voluntary exits are signed with the Capella fork version.
      const domain = computeDomain(
        DOMAIN_VOLUNTARY_EXIT,
        config.CAPELLA_FORK_VERSION,
        chain.head.genesisValidatorsRoot,
      );
      const signature = interopSecretKey(OWNER)
        .sign(computeSigningRoot(ssz.phase0.VoluntaryExit, message, domain))
        .toBytes();
      return { message, signature };
    };
    const early = await api.beacon.submitPoolVoluntaryExit({
      signedVoluntaryExit: signExit(chain.head.epochCtx.epoch),
    });
    assert.equal(early.status, 400, "exit refused before SHARD_COMMITTEE_PERIOD has passed");

    // Earnings over one full epoch while active: consensus balance plus what the sweep already paid out.
    const start = await stepUntil(() => chain.processedSlot % SLOTS_PER_EPOCH === 0, 2, "epoch boundary");
    const earnedAtStart = BigInt(start.balance) + withdrawnGwei;
    const end = await stepUntil((o) => o.epoch > start.epoch, 1, "next epoch");
    assert.equal(end.status, "active_ongoing", "still active after an epoch");
    assert.ok(
      BigInt(end.balance) + withdrawnGwei > earnedAtStart,
      "balance (with skimmed withdrawals) grows over an epoch",
    );
    const validator = (
      await api.beacon.getStateValidator({ stateId: "head", validatorId: validatorIndex })
    ).value();
    await stepUntil(
      (o) => o.epoch >= validator.validator.activationEpoch + DEVNET_TIMING.shardCommitteePeriod,
      DEVNET_TIMING.shardCommitteePeriod + 1,
      "exit eligibility",
    );
    assert.ok(withdrawnGwei > 0n, "rewards skimmed to the withdrawal address while active");
    assert.equal(await balanceOnEl(), withdrawnGwei * GWEI, "skimmed rewards arrived on the EVM");

    (
      await api.beacon.submitPoolVoluntaryExit({ signedVoluntaryExit: signExit(chain.head.epochCtx.epoch) })
    ).assertOk();
    await stepUntil((o) => o.status === "active_exiting", 1, "exit inclusion");
    const exiting = (
      await api.beacon.getStateValidator({ stateId: "head", validatorId: validatorIndex })
    ).value();
    assert.equal(
      exiting.validator.withdrawableEpoch,
      exiting.validator.exitEpoch + DEVNET_TIMING.minValidatorWithdrawabilityDelay,
      "withdrawable MIN_VALIDATOR_WITHDRAWABILITY_DELAY epochs after the exit",
    );

    await stepUntil((o) => o.status === "withdrawal_done", 20, "full withdrawal");
    const final = (
      await api.beacon.getStateValidator({ stateId: "head", validatorId: validatorIndex })
    ).value();
    assert.equal(final.balance, 0, "nothing left on the consensus layer");
    assert.deepEqual(statuses, LIFECYCLE, "every status of the lifecycle, in order");
    assert.ok(
      lastWithdrawalGwei >= BigInt(AMOUNT_GWEI),
      "the final sweep paid out the whole remaining balance",
    );
    assert.ok(withdrawnGwei > BigInt(AMOUNT_GWEI), "deposit plus rewards paid out");
    assert.equal(await balanceOnEl(), withdrawnGwei * GWEI, "every Gwei withdrawn arrived on the EVM");

    // After the fact, as an indexer would: anvil's blocks carry no EIP-4895 withdrawals, so the same sum is
    // read from the payloads of the beacon blocks kept for the whole header window.
    let fromHistoryGwei = 0n;
    for (let slot = 1; slot <= chain.processedSlot; slot++) {
      const block = (await api.beacon.getBlockV2({ blockId: slot })).value() as fulu.SignedBeaconBlock;
      for (const w of block.message.body.executionPayload.withdrawals) {
        if (w.validatorIndex === validatorIndex) fromHistoryGwei += BigInt(w.amount);
      }
    }
    assert.equal(fromHistoryGwei, withdrawnGwei, "every withdrawal readable afterwards from the kept blocks");
  });
});
