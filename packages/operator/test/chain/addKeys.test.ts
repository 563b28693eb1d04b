/**
 * Adding a deposit data file's keys on a local chain with the real deployment: each refusal is a
 * named error and sends nothing (the operator's nonce is unchanged); a chunk that fails says which
 * keys landed, and a re-run adds the rest, nothing twice.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { registerOperator } from "@tributary/sdk";
import { depositContractAbi } from "@tributary/sdk/abis";
import { createWalletClient, type Hex, http, numberToHex, parseEther } from "viem";
import { foundry } from "viem/chains";
import { devAccount } from "../../../../contracts/lib/devkeys.js";
import { startTestProtocol, type TestProtocol } from "../../../sdk/test/harness.js";
import {
  AddKeysIncompleteError,
  BondBelowRequiredError,
  KeysAlreadyUsedError,
  planAddKeys,
  sendAddKeys,
} from "../../src/index.js";
import {
  DepositNetworkMismatchError,
  generateValidatorKeys,
  NETWORKS,
  type ValidatorKey,
  WithdrawalCredentialsMismatchError,
} from "../../src/keys/index.js";
import { TEST_MNEMONIC, TEST_VAULT } from "../helpers.js";

const MANAGER = 8;
const OTHER_MANAGER = 9;
const DEVNET = NETWORKS.devnet.forkVersion as Hex;

describe("planAddKeys and sendAddKeys", () => {
  let t: TestProtocol;
  let keys: ValidatorKey[];
  let operatorId: bigint;
  let otherOperatorId: bigint;
  const wallet = (index: number) =>
    createWalletClient({ account: devAccount(index), chain: foundry, transport: http(t.local.url) });
  const nonce = (index: number) =>
    t.local.publicClient.getTransactionCount({ address: t.local.address(index) });
  const fileOf = (list: ValidatorKey[]) => JSON.stringify(list.map((k) => k.depositData));
  const plan = (
    id: bigint,
    depositData: string,
    extra: { bond?: bigint; autoBond?: boolean } = { autoBond: true },
  ) =>
    planAddKeys(t.local.publicClient, {
      deployment: t.deployment,
      operatorId: id,
      depositData,
      forkVersion: DEVNET,
      ...extra,
    });

  before(async () => {
    t = await startTestProtocol();
    for (const [index, id] of [
      [MANAGER, 0n],
      [OTHER_MANAGER, 1n],
    ] as const) {
      const hash = await registerOperator(wallet(index), {
        rewardAddress: t.local.address(index),
        commissionBps: 500,
        bond: 0n,
        deployment: t.deployment,
      });
      await t.local.gasOf(hash);
      if (index === MANAGER) operatorId = id;
      else otherOperatorId = id;
    }
    ({ keys } = await generateValidatorKeys({
      mnemonic: TEST_MNEMONIC,
      startIndex: 0,
      count: 6,
      withdrawalVault: t.deployment.contracts.withdrawalVault,
      network: NETWORKS.devnet,
    }));
  });
  after(() => t?.stop());

  it("refuses deposit data for another network, or for other withdrawal credentials, before sending", async () => {
    const before = await nonce(MANAGER);
    const { keys: mainnetKeys } = await generateValidatorKeys({
      mnemonic: TEST_MNEMONIC,
      startIndex: 0,
      count: 1,
      withdrawalVault: t.deployment.contracts.withdrawalVault,
      network: NETWORKS.mainnet,
    });
    await assert.rejects(
      plan(operatorId, fileOf(mainnetKeys)),
      DepositNetworkMismatchError,
      "another network",
    );
    const { keys: otherVault } = await generateValidatorKeys({
      mnemonic: TEST_MNEMONIC,
      startIndex: 0,
      count: 1,
      withdrawalVault: TEST_VAULT,
      network: NETWORKS.devnet,
    });
    await assert.rejects(
      plan(operatorId, fileOf(otherVault)),
      WithdrawalCredentialsMismatchError,
      "other credentials",
    );
    assert.equal(await nonce(MANAGER), before, "nothing sent");
  });

  it("refuses a bond below what the registry needs, naming the figure", async () => {
    const before = await nonce(MANAGER);
    await assert.rejects(
      plan(operatorId, fileOf(keys.slice(0, 2)), { bond: parseEther("1") }),
      (error: unknown) =>
        error instanceof BondBelowRequiredError &&
        error.bond === parseEther("1") &&
        error.required >= parseEther("8") - 10n &&
        /below the .* ETH the registry needs for 2 more keys/.test(error.shortMessage),
      "bond below requirement",
    );
    await assert.rejects(
      plan(operatorId, fileOf(keys.slice(0, 2)), {}),
      BondBelowRequiredError,
      "no bond at all",
    );
    assert.equal(await nonce(MANAGER), before, "nothing sent");
  });

  it("a chunk that fails says which keys landed; a re-run adds the rest, nothing twice", async () => {
    const file = fileOf(keys.slice(0, 5));
    const first = await plan(operatorId, file);
    assert.equal(first.toAdd.length, 5, "five to add");
    // After the first chunk the account's ETH is gone: the second chunk cannot pay its bond.
    const balance = await t.local.publicClient.getBalance({ address: t.local.address(MANAGER) });
    const setBalance = (wei: bigint) =>
      t.local.publicClient.request({
        method: "anvil_setBalance" as never,
        params: [t.local.address(MANAGER), numberToHex(wei)] as never,
      });
    const error = await sendAddKeys(wallet(MANAGER), first, {
      deployment: t.deployment,
      keysPerTransaction: 2,
      onProgress: async () => {
        await setBalance(parseEther("0.01"));
      },
    }).then(
      () => assert.fail("the second chunk should fail"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AddKeysIncompleteError, `named: ${String(error)}`);
    assert.deepEqual(
      error.landed,
      keys.slice(0, 2).map((k) => k.pubkey),
      "the first chunk's keys landed",
    );
    assert.equal(error.notLanded.length, 3, "three did not");
    await setBalance(balance);

    const again = await plan(operatorId, file);
    assert.deepEqual(
      again.skipped.map((s) => s.index),
      [0, 1],
      "the landed keys are skipped",
    );
    assert.equal(again.toAdd.length, 3, "the rest is added");
    const sent = await sendAddKeys(wallet(MANAGER), again, {
      deployment: t.deployment,
      keysPerTransaction: 2,
    });
    assert.equal(sent.added.length, 3, "three added");
    const done = await plan(operatorId, file);
    assert.equal(done.toAdd.length, 0, "nothing left");
    assert.equal(done.skipped.length, 5, "every key found once");
  });

  it("refuses keys already used, in the registry (another operator's, or removed) or deposited, listing them", async () => {
    const before = await nonce(OTHER_MANAGER);
    // Key 5 deposited directly in the beacon deposit contract by someone.
    const deposited = keys[5] as ValidatorKey;
    const d = deposited.depositData;
    const hash = await wallet(3).writeContract({
      address: t.deployment.contracts.depositContract,
      abi: depositContractAbi,
      functionName: "deposit",
      args: [
        `0x${d.pubkey}`,
        `0x${d.withdrawal_credentials}`,
        `0x${d.signature}`,
        `0x${d.deposit_data_root}`,
      ],
      value: parseEther("32"),
    });
    await t.local.gasOf(hash);
    await assert.rejects(
      plan(otherOperatorId, fileOf([keys[0] as ValidatorKey, keys[5] as ValidatorKey])),
      (error: unknown) =>
        error instanceof KeysAlreadyUsedError &&
        error.inRegistry.length === 1 &&
        error.inRegistry[0] === keys[0]?.pubkey &&
        error.deposited.length === 1 &&
        error.deposited[0] === deposited.pubkey &&
        error.shortMessage.includes(deposited.pubkey),
      "both kinds named",
    );
    assert.equal(await nonce(OTHER_MANAGER), before, "nothing sent");
  });
});
