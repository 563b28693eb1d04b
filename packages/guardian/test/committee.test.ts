/**
 * The guardians and the depositor on anvil and the embedded consensus layer, with real keys: an
 * operator makes keys from a mnemonic, registers and uploads them (one with a bad signature); the
 * guardians vet the good ones and refuse the bad one; the depositor deposits; the validators become
 * active on the Beacon API. Then a front-run: a vetted key is deposited with other withdrawal
 * credentials, a guardian pauses deposits, the key loses its vetting, and only governance resumes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  depositDataRoot,
  depositDomain,
  depositSigningRoot,
  generateMnemonic,
  generateValidatorKeys,
  NETWORKS,
  parseDepositData,
} from "@tributary/operator/keys";
import { addKeys, registerOperator } from "@tributary/sdk";
import { depositContractAbi, depositSecurityAbi, operatorRegistryAbi } from "@tributary/sdk/abis";
import { concat, encodeFunctionData, type Hex, hexToBytes, numberToHex, parseEther, toHex } from "viem";
import { DEV_ROLES, devAccount } from "../../../contracts/lib/devkeys.js";
import { asTimelock } from "../../oracle/test/helpers/members.js";
import { STAKER_INDEX, startTestNetwork, type TestNetwork } from "../../oracle/test/helpers/network.js";
import { type Committee, DEPOSITOR_ACCOUNT, startCommittee } from "./helpers/committee.js";

const OPERATOR_ACCOUNT = 30;
const ATTACKER_ACCOUNT = 31;

describe("guardians and depositor", { timeout: 900_000 }, () => {
  let net: TestNetwork;
  let committee: Committee;
  let operatorId: bigint;
  const mnemonic = generateMnemonic();

  const operator = async () => {
    const op = await net.publicClient.readContract({
      address: net.deployment.contracts.operatorRegistry,
      abi: operatorRegistryAbi,
      functionName: "getOperator",
      args: [operatorId],
    });
    return {
      totalKeys: Number(op.totalKeys),
      vettedKeys: Number(op.vettedKeys),
      depositedKeys: Number(op.depositedKeys),
    };
  };
  const paused = () =>
    net.publicClient.readContract({
      address: net.deployment.contracts.depositSecurity,
      abi: depositSecurityAbi,
      functionName: "depositsPaused",
    });
  const keysFrom = async (startIndex: number, count: number) => {
    const { keys } = await generateValidatorKeys({
      mnemonic,
      startIndex,
      count,
      withdrawalVault: net.vault,
      network: NETWORKS.devnet,
    });
    return keys;
  };

  before(async () => {
    net = await startTestNetwork({ operators: 1, validatorsPerOperator: 1, logLevel: "silent" });
    for (const account of [OPERATOR_ACCOUNT, ATTACKER_ACCOUNT, DEPOSITOR_ACCOUNT, ...DEV_ROLES.guardians]) {
      await net.publicClient.request({
        method: "anvil_setBalance",
        params: [devAccount(account).address, numberToHex(parseEther("1000"))],
      } as never);
    }
    committee = await startCommittee(net);
  });

  after(async () => {
    await committee?.stop();
    await net?.stop();
  });

  it("vets good keys, refuses a bad signature by name, deposits, and the validators become active", async () => {
    // The operator makes three keys; its deposit_data file is checked as the toolkit checks it.
    const keys = await keysFrom(0, 3);
    const parsed = parseDepositData(
      keys.map((k) => k.depositData),
      {
        forkVersion: NETWORKS.devnet.forkVersion,
        withdrawalCredentials: `0x01${"00".repeat(11)}${net.vault.slice(2)}` as Hex,
      },
    );
    assert.equal(parsed.length, 3);
    // The third key is uploaded with the first one's signature: valid in length, wrong for its pubkey.
    const signatures = [parsed[0]?.signature, parsed[1]?.signature, parsed[0]?.signature] as Hex[];
    const wallet = net.wallet(OPERATOR_ACCOUNT);
    operatorId = await net.publicClient.readContract({
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
    await net.include(
      await addKeys(wallet, {
        operatorId,
        pubkeys: concat(parsed.map((p) => p.pubkey)),
        signatures: concat(signatures),
        deployment: net.deployment,
      }),
      "addKeys",
    );
    await net.stake(STAKER_INDEX, 64);

    await net.advanceUntil(async () => (await operator()).vettedKeys === 2, {
      maxSlots: 200,
      pauseMs: 20,
      what: "the guardians' vetting of the two good keys",
    });
    // Every guardian says which key stops the count and why, over HTTP, in its metrics and its log.
    for (const g of committee.guardians) {
      const status = (await (await fetch(`${g.server.url}/v1/operators/${operatorId}`)).json()) as {
        vettable: number;
        blocked: { index: number; pubkey: Hex; reason: string } | null;
      };
      assert.equal(status.vettable, 2);
      assert.equal(status.blocked?.index, 2);
      assert.equal(status.blocked?.reason, "bad_signature");
      assert.equal(status.blocked?.pubkey.toLowerCase(), parsed[2]?.pubkey.toLowerCase());
      const metrics = await (await fetch(`${g.server.url}/metrics`)).text();
      assert.match(
        metrics,
        new RegExp(`guardian_key_refused\\{operator="${operatorId}",reason="bad_signature"\\} 1`),
      );
      const line = g.logs.find((l) => l.includes("key refused"));
      assert.ok(line, "the refusal is logged");
      const fields = JSON.parse(line);
      assert.equal(fields.operatorId, Number(operatorId));
      assert.equal(fields.pubkey.toLowerCase(), parsed[2]?.pubkey.toLowerCase());
      assert.equal(fields.reason, "bad_signature");
    }

    await net.advanceUntil(async () => (await operator()).depositedKeys === 2, {
      maxSlots: 100,
      pauseMs: 100,
      what: "the depositor's deposit of the two vetted keys",
    });
    // The depositor logs its deposit once it has the receipt, which can be after the chain shows it.
    const depositedLine = () =>
      committee.depositorLogs.map((l) => JSON.parse(l)).find((l) => l.msg === "deposited");
    for (let i = 0; i < 100 && !depositedLine(); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const deposited = depositedLine();
    assert.equal(deposited?.validators, 2);
    assert.deepEqual(deposited?.operatorIds, [Number(operatorId)]);

    // The beacon chain takes them: pending first, then active.
    const ids = parsed.slice(0, 2).map((p) => p.pubkey);
    const statuses = async () => {
      const body = await net.beacon<{ data: Array<{ status: string }> }>(
        `/eth/v1/beacon/states/head/validators?id=${ids.join(",")}`,
      );
      return body.data.map((v) => v.status);
    };
    await net.advanceUntil(async () => (await statuses()).every((s) => s === "active_ongoing"), {
      maxSlots: 32 * 20,
      what: "the deposited validators' activation",
    });
    assert.equal((await committee.depositorMetrics.validatorsDeposited.get()).values[0]?.value, 2);
  });

  it("pauses deposits on a front-run of a vetted key, unvets it, and only governance resumes", async () => {
    // The operator replaces the refused key with a new one, which the guardians vet.
    const wallet = net.wallet(OPERATOR_ACCOUNT);
    await net.include(
      await wallet.writeContract({
        address: net.deployment.contracts.operatorRegistry,
        abi: operatorRegistryAbi,
        functionName: "removeKeys",
        args: [operatorId, 1n],
        chain: undefined,
      }),
      "removeKeys",
    );
    const [fresh] = await keysFrom(3, 1);
    assert.ok(fresh);
    await net.include(
      await addKeys(wallet, {
        operatorId,
        pubkeys: fresh.pubkey,
        signatures: `0x${fresh.depositData.signature}`,
        deployment: net.deployment,
      }),
      "addKeys",
    );
    await net.advanceUntil(async () => (await operator()).vettedKeys === 3, {
      maxSlots: 200,
      pauseMs: 20,
      what: "the vetting of the replacement key",
    });

    // The key's holder deposits it first with its own credentials (a valid 1 ETH deposit).
    const attacker = net.wallet(ATTACKER_ACCOUNT);
    const theirs = `0x01${"00".repeat(11)}${attacker.account.address.slice(2)}` as Hex;
    const fields = {
      pubkey: hexToBytes(fresh.pubkey),
      withdrawalCredentials: hexToBytes(theirs),
      amount: 1_000_000_000,
    };
    const signature = fresh.secretKey
      .sign(depositSigningRoot(fields, depositDomain(NETWORKS.devnet.forkVersion)))
      .toBytes();
    const root = depositDataRoot({ ...fields, signature });
    await net.include(
      await attacker.writeContract({
        address: net.deployment.contracts.depositContract,
        abi: depositContractAbi,
        functionName: "deposit",
        args: [fresh.pubkey, theirs, toHex(signature), toHex(root)],
        value: parseEther("1"),
        chain: undefined,
      }),
      "front-run deposit",
    );

    await net.advanceUntil(paused, { maxSlots: 60, pauseMs: 150, what: "a guardian's pause" });
    const alarm = committee
      .allLogs()
      .map((l) => JSON.parse(l))
      .find((l) => l.msg.startsWith("FRONT-RUN"));
    assert.ok(alarm, "the front-run is logged at error level");
    assert.equal(alarm.level, "error");
    assert.equal(alarm.pubkey, fresh.pubkey.toLowerCase());
    assert.equal(alarm.withdrawalCredentials, theirs.toLowerCase());
    assert.ok(committee.allLogs().some((l) => l.includes("DEPOSITS PAUSED by this guardian")));

    // Once final, the deposit costs the key its vetting: the count drops back to 2.
    await net.advanceUntil(async () => (await operator()).vettedKeys === 2, {
      maxSlots: 200,
      pauseMs: 20,
      what: "the key's unvetting",
    });
    const status = committee.guardians[0]?.guardian.operator(Number(operatorId));
    assert.equal(status?.blocked?.reason, "already_deposited");

    // A guardian cannot resume; governance can.
    const guardianWallet = net.wallet(DEV_ROLES.guardians[0]);
    await assert.rejects(
      net.publicClient.simulateContract({
        address: net.deployment.contracts.depositSecurity,
        abi: depositSecurityAbi,
        functionName: "resumeDeposits",
        account: guardianWallet.account,
      }),
      /AccessControlUnauthorizedAccount/,
    );
    await asTimelock(
      net,
      net.deployment.contracts.depositSecurity,
      encodeFunctionData({ abi: depositSecurityAbi, functionName: "resumeDeposits" }),
    );
    assert.equal(await paused(), false);
  });
});
