/**
 * estimateWaitingTime with `beaconUrl` against the embedded consensus layer (packages/consensus, a
 * Beacon API served by Lodestar's state transition) joined to anvil with the real deployment.
 * The protocol's validators there carry fake keys, which the consensus layer rejects at deposit,
 * so this proves the genesis, spec, registry, churn and exit-queue reads against a real server; the
 * protocol-validator paths are covered by the stub-server test of utils/beaconExits.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { freePort } from "../../../../contracts/lib/bench.js";
import { type ConsensusNode, startConsensus } from "../../../../contracts/lib/consensus.js";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { estimateWaitingTime } from "./estimateWaitingTime.js";

interface ValidatorJson {
  status: string;
  validator: { effective_balance: string };
}

describe("estimateWaitingTime with a beacon node (embedded consensus layer)", () => {
  let t: TestProtocol;
  let cl: ConsensusNode;
  before(async () => {
    t = await startTestProtocol();
    await t.scenario.addOperators(2);
    cl = await startConsensus({
      elRpc: t.local.url,
      port: await freePort(),
      depositContract: t.deployment.contracts.depositContract,
      slotTime: 12,
      logFile: `${process.env.TMPDIR ?? "/tmp"}/tributary-sdk-beacon-test.log`,
      extraArgs: ["--data-dir", "none", "--devnet-timing"],
    });
  });
  after(async () => {
    await cl?.stop();
    await t?.stop();
  });

  async function beacon<T>(path: string): Promise<T> {
    const response = await fetch(`${cl.url}${path}`);
    assert.equal(response.status, 200, `GET ${path}`);
    return ((await response.json()) as { data: T }).data;
  }

  it("takes the churn, queue and clock from the node, matching the spec formula over its validators", async () => {
    const wait = await estimateWaitingTime(t.local.publicClient, {
      amount: parseEther("100"),
      deployment: t.deployment,
      beaconUrl: cl.url,
    });
    const part = wait.basis.find((p) => p.part === "beacon chain");
    assert.ok(part, "a beacon chain part");
    assert.match(
      part.detail,
      new RegExp(`^From the beacon node at ${cl.url} \\(standard Beacon API`),
      "source",
    );
    assert.match(part.detail, /spec values from \/eth\/v1\/config\/spec/, "spec from the node");

    // Independently: every validator of the head state, the spec's active statuses, the formula.
    const head = await beacon<{ header: { message: { slot: string } } }>("/eth/v1/beacon/headers/head");
    const all = await beacon<ValidatorJson[]>(`/eth/v1/beacon/states/${head.header.message.slot}/validators`);
    const spec = await beacon<Record<string, string>>("/eth/v1/config/spec");
    const n = (key: string) => BigInt(spec[key] as string);
    const active = all.filter((v) =>
      ["active_ongoing", "active_exiting", "active_slashed"].includes(v.status),
    );
    const total = active.reduce((sum, v) => sum + BigInt(v.validator.effective_balance), 0n);
    let churn = total / n("CHURN_LIMIT_QUOTIENT");
    if (churn < n("MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA")) churn = n("MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA");
    churn -= churn % n("EFFECTIVE_BALANCE_INCREMENT");
    if (churn > n("MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT"))
      churn = n("MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT");
    const eth = (gwei: bigint) => (Number(gwei) / 1e9).toString();
    assert.ok(active.length > 0, "the node has active validators");
    assert.match(part.detail, new RegExp(`Registry of ${all.length} validators`), "registry size");
    assert.match(
      part.detail,
      new RegExp(`Active balance ${eth(total)} ETH over ${active.length} active validators \\(exact`),
      "active balance",
    );
    assert.match(part.detail, new RegExp(`an exit churn of ${eth(churn)} ETH per epoch`), "churn");
    const exiting = all.filter((v) => v.status === "active_exiting" || v.status === "active_slashed").length;
    assert.match(part.detail, new RegExp(`Exit queue: ${exiting} validators exiting`), "exit queue");
    assert.match(part.detail, /2 deposited, 0 on the beacon chain/, "the fake keys are not on the chain");
    // MIN_VALIDATOR_WITHDRAWABILITY_DELAY of --devnet-timing (4 epochs) came from the node.
    assert.equal(n("MIN_VALIDATOR_WITHDRAWABILITY_DELAY"), 4n, "devnet timing served");
    assert.equal(wait.exitsNeeded, true, "100 ETH needs exits");
    assert.equal(wait.maxSeconds, Number.POSITIVE_INFINITY, "no protocol validator can exit on this chain");
    assert.match(
      wait.basis.find((p) => p.part === "exits named")?.detail ?? "",
      /only 0 protocol validators can exit/,
      "says why",
    );
  });
});
