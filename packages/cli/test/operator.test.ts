/**
 * `tributary operator …` through the real binary on a local chain with the real deployment: an
 * operator registers, adds the keys of a deposit data file (a re-run adds nothing), changes its
 * commission and withdraws spare bond, and reads its status; refusals (commission above the cap,
 * bond below the requirement, another network's deposit data, bond the keys need) end with their
 * sentence and exit code 3, and nothing is sent.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { generateValidatorKeys, NETWORKS } from "@tributary/operator/keys";
import type { Address } from "viem";
import { type CliChain, type CliResult, parseJson, show, startCliChain } from "./run.js";

const MANAGER = 8;
const MNEMONIC = `${"abandon ".repeat(23)}art`;

describe("tributary operator", () => {
  let t: CliChain;
  let manager: Address;
  const account = ["--dev-account", String(MANAGER)];
  const nonce = () => t.local.publicClient.getTransactionCount({ address: manager });
  async function refuses(args: string[], code: number, sentence: RegExp): Promise<CliResult> {
    const before = await nonce();
    const result = await t.cli([...account, "--yes", ...args]);
    assert.equal(result.code, code, `exit code of ${args.join(" ")}: ${show(result)}`);
    assert.match(result.stderr, sentence, `sentence of ${args.join(" ")}: ${show(result)}`);
    assert.equal(await nonce(), before, `nothing sent by ${args.join(" ")}`);
    return result;
  }
  async function succeeds(args: string[]): Promise<Record<string, unknown>> {
    const result = await t.cli([...account, "--yes", "--json", ...args]);
    assert.equal(result.code, 0, show(result));
    return parseJson(result);
  }

  before(async () => {
    t = await startCliChain();
    manager = t.local.address(MANAGER);
  });
  after(() => t?.stop());

  it("refuses a commission above the registry's cap, naming both numbers", async () => {
    await refuses(
      ["operator", "register", "--reward-address", manager, "--commission", "2500"],
      3,
      /2500.*1000|25(\.00)?%.*10(\.00)?%/,
    );
  });

  it("registers, adds a deposit data file's keys with the bond they need, and resumes", async () => {
    const registered = await succeeds([
      "operator",
      "register",
      "--reward-address",
      manager,
      "--commission",
      "500",
    ]);
    assert.equal(registered.operatorId, "0", "operator 0");
    const { keys } = await generateValidatorKeys({
      mnemonic: MNEMONIC,
      startIndex: 0,
      count: 3,
      withdrawalVault: t.deployment.contracts.withdrawalVault,
      network: NETWORKS.devnet,
    });
    const file = join(t.dir, "deposit_data.json");
    writeFileSync(file, JSON.stringify(keys.map((k) => k.depositData)));
    await refuses(
      ["operator", "add-keys", "--deposit-data", file, "--bond", "1"],
      3,
      /below the .* ETH the registry needs for 3 more keys/,
    );
    const { keys: mainnet } = await generateValidatorKeys({
      mnemonic: MNEMONIC,
      startIndex: 5,
      count: 1,
      withdrawalVault: t.deployment.contracts.withdrawalVault,
      network: NETWORKS.mainnet,
    });
    const mainnetFile = join(t.dir, "deposit_data_mainnet.json");
    writeFileSync(mainnetFile, JSON.stringify(mainnet.map((k) => k.depositData)));
    const other = await refuses(
      ["operator", "add-keys", "--deposit-data", mainnetFile, "--auto-bond"],
      3,
      /mainnet/,
    );
    assert.match(other.stderr, /Nothing was sent/, "says nothing was sent");

    const added = await succeeds([
      "operator",
      "add-keys",
      "--deposit-data",
      file,
      "--auto-bond",
      "--chunk-size",
      "2",
    ]);
    assert.equal((added.added as string[]).length, 3, "three keys added");
    assert.equal((added.hashes as string[]).length, 2, "in two transactions");
    const again = await succeeds(["operator", "add-keys", "--deposit-data", file, "--auto-bond"]);
    assert.equal((again.added as string[]).length, 0, "nothing added twice");
    assert.equal((again.skipped as unknown[]).length, 3, "all three found");
  });

  it("sets the commission, refuses bond the keys need, withdraws spare bond, removes keys, shows status", async () => {
    const raised = await succeeds(["operator", "set-commission", "800"]);
    assert.equal(raised.commissionBps, 800, "scheduled");
    assert.ok(raised.effectiveAt !== null, "an increase takes effect later");
    await refuses(["operator", "bond", "withdraw", "100"], 3, /bond|Bond/);
    await succeeds(["operator", "bond", "top-up", "2"]);
    const withdrawn = await succeeds(["operator", "bond", "withdraw", "all"]);
    assert.ok(BigInt(withdrawn.shares as string) > 0n, "the spare bond withdrawn");
    await succeeds(["operator", "remove-keys", "--from-index", "2"]);
    const status = await t.cli([...account, "operator", "status"]);
    assert.equal(status.code, 0, show(status));
    assert.match(status.stdout, /keys\s+2 total, 0 vetted, 0 deposited/, "keys");
    assert.match(status.stdout, /commission\s+5\.00%, 8\.00% from/, "pending increase");
    assert.match(status.stdout, /no pending exit request/, "exits");
    const json = parseJson(await t.cli([...account, "--json", "operator", "status", "--operator-id", "0"]));
    assert.equal((json.operator as { keys: { total: number } }).keys.total, 2, "JSON status");
  });
});
