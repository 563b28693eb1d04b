import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getClient } from "@lodestar/api";
import { DOMAIN_DEPOSIT, DOMAIN_VOLUNTARY_EXIT, SLOTS_PER_EPOCH } from "@lodestar/params";
import { computeDomain, computeSigningRoot, interopSecretKey, ZERO_HASH } from "@lodestar/state-transition";
import { ssz } from "@lodestar/types";
import { createWalletClient, http, publicActions } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { MAINNET_DEPOSIT_CONTRACT } from "../src/config.js";
import { depositContractArtifact } from "../src/el/depositContract.js";
import { JsonRpcExecutionLayer } from "../src/el/jsonRpcExecution.js";
import { httpTransport } from "../src/el/rpc.js";
import { createLogger } from "../src/log.js";
import { type Anvil, startAnvil } from "./helpers/anvil.js";
import { startTestNode, type TestNode } from "./helpers/node.js";

// Anvil's first well-known development account (public test key).
const FUNDED_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const WITHDRAWAL_ADDRESS = "0x00000000000000000000000000000000c0ffee01";
const AMOUNT_GWEI = 32_000_000_000;

function hex(bytes: Uint8Array): `0x${string}` {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

// About 530 epochs with anvil in the loop (activation, SHARD_COMMITTEE_PERIOD, withdrawability delay): it
// exceeded 9 minutes on a 2-core machine, so it is opt-in until slot production gets faster.
const E2E = process.env.CONSENSUS_E2E === "1";

describe("deposit on the EVM to full withdrawal on the EVM", {
  skip: E2E ? false : "set CONSENSUS_E2E=1",
}, () => {
  let anvil: Anvil;
  let t: TestNode;

  before(async () => {
    anvil = await startAnvil();
    const el = new JsonRpcExecutionLayer(httpTransport(anvil.url), createLogger("silent"));
    t = await startTestNode({}, el);
  });
  after(async () => {
    await t?.node.stop();
    await anvil?.stop();
  });

  it("activates, earns, exits and pays the full balance to the withdrawal address", {
    timeout: 540_000,
  }, async () => {
    const chain = t.node.chain;
    const config = chain.config;
    const wallet = createWalletClient({
      account: privateKeyToAccount(FUNDED_KEY),
      chain: foundry,
      transport: http(anvil.url),
    }).extend(publicActions);
    const abi = depositContractArtifact().abi as never;

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
        abi,
        functionName: "deposit",
        args: [hex(pubkey), hex(withdrawalCredentials), hex(signature), hex(root)],
        value: BigInt(AMOUNT_GWEI) * 1_000_000_000n,
      });
      await wallet.waitForTransactionReceipt({ hash });
      return hex(pubkey);
    };
    const pubkey = await deposit(1000, 1000);
    const badPubkey = await deposit(1000, 1001); // signed by the wrong key

    const api = getClient({ baseUrl: t.node.apiUrl ?? "" }, { config });
    const epochsUntil = async (done: () => boolean | Promise<boolean>, maxEpochs: number, what: string) => {
      for (let e = 0; e < maxEpochs; e++) {
        if (await done()) return;
        await t.node.advanceTo(chain.processedSlot + SLOTS_PER_EPOCH);
      }
      assert.fail(`${what} did not happen within ${maxEpochs} epochs`);
    };

    await epochsUntil(
      async () => {
        const res = await api.beacon.getStateValidator({ stateId: "head", validatorId: pubkey });
        return res.ok && res.value().status === "active_ongoing";
      },
      20,
      "activation",
    );
    assert.ok(
      t.logs.some(
        (line) => line.includes("deposit with invalid signature") && line.includes(badPubkey.slice(2, 20)),
      ),
      "bad deposit logged",
    );
    const bad = await api.beacon.getStateValidator({ stateId: "head", validatorId: badPubkey });
    assert.equal(bad.status, 404, "bad deposit dropped: no validator");

    const validator = (await api.beacon.getStateValidator({ stateId: "head", validatorId: pubkey })).value();
    const index = validator.index;
    const activationEpoch = validator.validator.activationEpoch;
    const balanceOnEl = async () => wallet.getBalance({ address: WITHDRAWAL_ADDRESS });

    await t.node.advanceTo(chain.processedSlot + 4 * SLOTS_PER_EPOCH);
    assert.ok((await balanceOnEl()) > 0n, "rewards skimmed to the withdrawal address");

    await epochsUntil(
      () => chain.head.epochCtx.epoch >= activationEpoch + config.SHARD_COMMITTEE_PERIOD,
      300,
      "exit eligibility",
    );
    const exitMessage = { epoch: chain.head.epochCtx.epoch, validatorIndex: index };
    // EIP-7044: voluntary exits are signed with the Capella fork version.
    const exitDomain = computeDomain(
      DOMAIN_VOLUNTARY_EXIT,
      config.CAPELLA_FORK_VERSION,
      chain.head.genesisValidatorsRoot,
    );
    const exitSignature = interopSecretKey(1000)
      .sign(computeSigningRoot(ssz.phase0.VoluntaryExit, exitMessage, exitDomain))
      .toBytes();
    (
      await api.beacon.submitPoolVoluntaryExit({
        signedVoluntaryExit: { message: exitMessage, signature: exitSignature },
      })
    ).assertOk();

    await epochsUntil(
      async () => {
        const res = (await api.beacon.getStateValidator({ stateId: "head", validatorId: index })).value();
        return res.status === "withdrawal_done";
      },
      300,
      "full withdrawal",
    );
    const final = (await api.beacon.getStateValidator({ stateId: "head", validatorId: index })).value();
    assert.equal(final.balance, 0, "nothing left on the consensus layer");
    const paid = await balanceOnEl();
    assert.ok(paid > BigInt(AMOUNT_GWEI) * 1_000_000_000n, "deposit plus rewards arrived on the EVM");
    assert.equal(paid % 1_000_000_000n, 0n, "credited in whole Gwei");
  });
});
