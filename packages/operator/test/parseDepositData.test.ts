import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  type DepositDataEntry,
  DepositDataError,
  DepositNetworkMismatchError,
  DepositRootMismatchError,
  DepositSignatureError,
  DuplicatePubkeyError,
  generateValidatorKeys,
  InvalidDepositDataError,
  NETWORKS,
  parseDepositData,
  WithdrawalCredentialsMismatchError,
  withdrawalCredentials,
} from "../src/keys/index.js";
import {
  contractDepositDataRoot,
  DEPOSIT_CLI_RUN,
  fixture,
  handDepositMessageRoot,
  TEST_MNEMONIC,
  TEST_VAULT,
} from "./helpers.js";

const EXPECTED = {
  forkVersion: NETWORKS.devnet.forkVersion,
  withdrawalCredentials: withdrawalCredentials(TEST_VAULT),
  networkName: NETWORKS.devnet.networkName,
};

type ErrorClass = new (...args: never[]) => DepositDataError;

/** Asserts that parsing `input` throws `errorClass` about entry `index` (and `field`), matching `message`. */
function refuses(
  input: unknown,
  errorClass: ErrorClass,
  where: { index?: number; field?: string },
  message: RegExp,
) {
  assert.throws(
    () => parseDepositData(typeof input === "string" ? input : JSON.stringify(input), EXPECTED),
    (error: unknown) => {
      assert.ok(
        error instanceof errorClass,
        `${(error as Error).name} is a ${errorClass.name}: ${(error as Error).message}`,
      );
      assert.ok(error instanceof DepositDataError, "a DepositDataError");
      assert.equal(error.index, where.index, "entry index");
      assert.equal(error.field, where.field, "field");
      assert.match(error.message, message, "message");
      return true;
    },
  );
}

/** Re-derives both roots of an entry by hand, so only the fault under test remains. */
function withRoots(entry: DepositDataEntry): DepositDataEntry {
  const [pubkey, credentials, signature] = [entry.pubkey, entry.withdrawal_credentials, entry.signature].map(
    (h) => Buffer.from(h, "hex"),
  ) as [Buffer, Buffer, Buffer];
  return {
    ...entry,
    deposit_message_root: handDepositMessageRoot(pubkey, credentials, entry.amount).toString("hex"),
    deposit_data_root: contractDepositDataRoot(pubkey, credentials, entry.amount, signature).toString("hex"),
  };
}

describe("parseDepositData", () => {
  let good: DepositDataEntry[];
  let mainnetEntry: DepositDataEntry;
  before(async () => {
    const common = { mnemonic: TEST_MNEMONIC, startIndex: 0, withdrawalVault: TEST_VAULT };
    good = (await generateValidatorKeys({ ...common, count: 3, network: NETWORKS.devnet })).keys.map(
      (k) => k.depositData,
    );
    mainnetEntry = (await generateValidatorKeys({ ...common, count: 1, network: NETWORKS.mainnet })).keys[0]
      ?.depositData as DepositDataEntry;
  });
  const edit = (index: number, change: Partial<Record<keyof DepositDataEntry, unknown>>) =>
    good.map((entry, i) => (i === index ? { ...entry, ...change } : entry));

  it("accepts a good file and returns 0x-prefixed deposits", () => {
    const parsed = parseDepositData(JSON.stringify(good), EXPECTED);
    assert.equal(parsed.length, 3, "three deposits");
    assert.equal(parsed[1]?.pubkey, `0x${good[1]?.pubkey}`, "pubkey");
    assert.equal(parsed[1]?.signature, `0x${good[1]?.signature}`, "signature");
    assert.equal(parsed[1]?.depositDataRoot, `0x${good[1]?.deposit_data_root}`, "root");
  });

  it("accepts staking-deposit-cli's own file for its network and credentials", () => {
    const parsed = parseDepositData(fixture(DEPOSIT_CLI_RUN.depositData), {
      forkVersion: DEPOSIT_CLI_RUN.network.forkVersion,
      withdrawalCredentials: withdrawalCredentials(DEPOSIT_CLI_RUN.withdrawalAddress),
      networkName: "goerli",
    });
    assert.equal(parsed.length, 1, "one deposit");
  });

  it("refuses what is not JSON, not an array, or empty", () => {
    refuses("[{", InvalidDepositDataError, {}, /^Deposit data file: not JSON/);
    refuses({ deposits: good }, InvalidDepositDataError, {}, /not an array of deposits \(object\)/);
    refuses([], InvalidDepositDataError, {}, /no deposits/);
    refuses([good[0], "x"], InvalidDepositDataError, { index: 1 }, /entry 1: not an object \(string\)/);
  });

  it("refuses a missing or malformed field", () => {
    const { signature: _, ...noSignature } = good[1] as DepositDataEntry;
    refuses(
      [good[0], noSignature],
      InvalidDepositDataError,
      { index: 1, field: "signature" },
      /missing field/,
    );
    refuses(
      edit(0, { deposit_data_root: "zz".repeat(32) }),
      InvalidDepositDataError,
      { index: 0, field: "deposit_data_root" },
      /not hex/,
    );
    refuses(
      edit(2, { pubkey: 42 }),
      InvalidDepositDataError,
      { index: 2, field: "pubkey" },
      /not a hex string \(number\)/,
    );
    refuses(
      edit(0, { amount: "32000000000" }),
      InvalidDepositDataError,
      { index: 0, field: "amount" },
      /not an integer/,
    );
    refuses(
      edit(0, { network_name: null }),
      InvalidDepositDataError,
      { index: 0, field: "network_name" },
      /not a string/,
    );
  });

  it("refuses a pubkey not 48 bytes, a signature not 96 bytes, an amount not 32 ETH", () => {
    refuses(
      edit(1, { pubkey: good[1]?.pubkey.slice(2) }),
      InvalidDepositDataError,
      { index: 1, field: "pubkey" },
      /47 bytes, expected 48/,
    );
    refuses(
      edit(0, { signature: `${good[0]?.signature}00` }),
      InvalidDepositDataError,
      { index: 0, field: "signature" },
      /97 bytes, expected 96/,
    );
    refuses(
      edit(2, { amount: 1_000_000_000 }),
      InvalidDepositDataError,
      { index: 2, field: "amount" },
      /1000000000 gwei is not 32 ETH/,
    );
  });

  it("refuses an entry of another network, naming both", () => {
    refuses(
      edit(1, { fork_version: "90000069", network_name: "sepolia" }),
      DepositNetworkMismatchError,
      { index: 1, field: "fork_version" },
      /signed for sepolia \(0x90000069\), expected tributary-devnet \(0x10000000\)/,
    );
    refuses(
      edit(0, { network_name: "mainnet" }),
      InvalidDepositDataError,
      { index: 0, field: "network_name" },
      /"mainnet", expected "tributary-devnet"/,
    );
  });

  it("refuses withdrawal credentials other than the protocol's, naming both", () => {
    const other = withdrawalCredentials("0x00000000000000000000000000000000000000bb").slice(2);
    refuses(
      edit(2, { withdrawal_credentials: other }),
      WithdrawalCredentialsMismatchError,
      { index: 2, field: "withdrawal_credentials" },
      new RegExp(`0x${other} are not the protocol's ${EXPECTED.withdrawalCredentials}`),
    );
  });

  it("refuses roots that do not match their recomputation", () => {
    const flip = (h: string) => `${h.slice(0, -1)}${h.endsWith("0") ? "1" : "0"}`;
    refuses(
      edit(1, { deposit_message_root: flip(good[1]?.deposit_message_root as string) }),
      DepositRootMismatchError,
      { index: 1, field: "deposit_message_root" },
      /does not match the recomputed 0x/,
    );
    refuses(
      edit(0, { deposit_data_root: flip(good[0]?.deposit_data_root as string) }),
      DepositRootMismatchError,
      { index: 0, field: "deposit_data_root" },
      /does not match the recomputed 0x/,
    );
  });

  it("refuses a signature that does not verify for the network's deposit domain", () => {
    // Another key's signature, with roots recomputed so only the signature is wrong.
    const swapped = withRoots({ ...(good[0] as DepositDataEntry), signature: good[1]?.signature as string });
    refuses(
      [swapped, good[1]],
      DepositSignatureError,
      { index: 0, field: "signature" },
      /does not verify .* tributary-devnet/,
    );
    // Signed under mainnet's domain, relabelled as devnet: roots hold (fork_version is not hashed), the signature does not.
    const relabelled = { ...mainnetEntry, fork_version: "10000000", network_name: "tributary-devnet" };
    refuses(
      [good[1], relabelled],
      DepositSignatureError,
      { index: 1, field: "signature" },
      /does not verify/,
    );
    // 96 bytes that are no point on the curve.
    const garbage = withRoots({ ...(good[2] as DepositDataEntry), signature: "ab".repeat(96) });
    refuses(
      [garbage],
      DepositSignatureError,
      { index: 0, field: "signature" },
      /not a valid BLS12-381 signature/,
    );
  });

  it("refuses a pubkey that is not a BLS12-381 public key", () => {
    const bad = withRoots({ ...(good[0] as DepositDataEntry), pubkey: `a0${"00".repeat(47)}` });
    refuses(
      [bad],
      InvalidDepositDataError,
      { index: 0, field: "pubkey" },
      /not a valid BLS12-381 public key/,
    );
  });

  it("refuses the same pubkey twice", () => {
    refuses(
      [good[0], good[1], good[0]],
      DuplicatePubkeyError,
      { index: 2, field: "pubkey" },
      /already appears in entry 0/,
    );
  });
});
