/**
 * `KeyChecker`: the checks a guardian makes of each registry key before vetting it, over real BLS
 * keys and deposit signatures made by the operator toolkit. The deposit index and the registry are
 * plain functions here, so each test says what they hold.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  depositDomain,
  generateValidatorKeys,
  NETWORKS,
  type ValidatorKey,
  withdrawalCredentials,
} from "@tributary/operator/keys";
import type { Address, Hex } from "viem";
import { type KeyCheckContext, KeyChecker } from "../src/checks.js";
import type { DepositRecord } from "../src/depositLog.js";

/** BIP-39's all-"abandon" 24-word vector: fixed keys, never deposited to. */
const MNEMONIC = `${"abandon ".repeat(23)}art`;
const VAULT: Address = "0x00000000000000000000000000000000000a11ce";
const OTHER_VAULT: Address = "0x0000000000000000000000000000000000000b0b";
const CREDENTIALS = withdrawalCredentials(VAULT);
const DOMAIN = depositDomain(NETWORKS.devnet.forkVersion);

interface Key {
  pubkey: Hex;
  signature: Hex;
}

function key(validator: ValidatorKey | undefined): Key {
  if (!validator) throw new Error("no key generated");
  return { pubkey: validator.pubkey, signature: `0x${validator.depositData.signature}` };
}

async function keys(vault: Address, network: (typeof NETWORKS)[keyof typeof NETWORKS], count: number) {
  const { keys } = await generateValidatorKeys({
    mnemonic: MNEMONIC,
    startIndex: 0,
    count,
    withdrawalVault: vault,
    network,
  });
  return keys.map(key);
}

/** A checker over an index and a registry given as data; counts the lookups it makes. */
function checker(
  options: {
    deposits?: Record<string, DepositRecord>;
    holders?: Record<string, Array<[number, number]>>;
  } = {},
) {
  const lookups = { firstDeposit: 0, holders: 0 };
  const context: KeyCheckContext = {
    withdrawalCredentials: CREDENTIALS,
    domain: DOMAIN,
    firstDeposit: (pubkey) => {
      lookups.firstDeposit++;
      return options.deposits?.[pubkey.toLowerCase()];
    },
    holders: (pubkey) => {
      lookups.holders++;
      return (options.holders?.[pubkey.toLowerCase()] ?? []).map(([operatorId, index]) => ({
        operatorId,
        index,
      }));
    },
  };
  return { checker: new KeyChecker(context), lookups };
}

function deposit(pubkey: Hex, credentials: Hex, blockNumber = 1234n): DepositRecord {
  return { pubkey: pubkey.toLowerCase() as Hex, withdrawalCredentials: credentials, blockNumber };
}

/** 47 bytes: the pubkey with its last byte cut. */
const shorten = (hex: Hex): Hex => hex.slice(0, -2) as Hex;

describe("KeyChecker", () => {
  let good: Key;
  let second: Key;
  let otherCredentials: Key;
  let mainnet: Key;

  before(async () => {
    [good, second] = (await keys(VAULT, NETWORKS.devnet, 2)) as [Key, Key];
    [otherCredentials] = (await keys(OTHER_VAULT, NETWORKS.devnet, 1)) as [Key];
    [mainnet] = (await keys(VAULT, NETWORKS.mainnet, 1)) as [Key];
  });

  it("passes a key signed for the protocol's credentials on this chain", () => {
    const { checker: c, lookups } = checker();
    assert.equal(c.check(0, 0, good.pubkey, good.signature), null, "the first key passes");
    assert.equal(c.check(0, 1, second.pubkey, second.signature), null, "the second key passes");
    assert.equal(
      c.check(0, 0, good.pubkey.toUpperCase().replace("0X", "0x") as Hex, good.signature),
      null,
      "upper-case hex is the same key",
    );
    assert.deepEqual(lookups, { firstDeposit: 3, holders: 3 }, "both lookups made for each key");
    assert.equal(c.domain, DOMAIN, "the domain it checks under");
  });

  it("refuses a pubkey of 47 bytes", () => {
    const refusal = checker().checker.check(0, 0, shorten(good.pubkey), good.signature);
    assert.equal(refusal?.reason, "pubkey_length", "pubkey_length");
    assert.match(refusal?.detail ?? "", /47 bytes, not 48/, "the detail gives the length");
  });

  it("refuses a signature of 95 bytes", () => {
    const refusal = checker().checker.check(0, 0, good.pubkey, shorten(good.signature));
    assert.equal(refusal?.reason, "signature_length", "signature_length");
    assert.match(refusal?.detail ?? "", /95 bytes, not 96/, "the detail gives the length");
  });

  it("refuses a signature over other withdrawal credentials", () => {
    assert.equal(otherCredentials.pubkey, good.pubkey, "the same key, signed for another vault");
    const refusal = checker().checker.check(0, 0, otherCredentials.pubkey, otherCredentials.signature);
    assert.equal(refusal?.reason, "bad_signature", "bad_signature");
    assert.match(refusal?.detail ?? "", /does not verify/, "the detail says it does not verify");
  });

  it("refuses a signature made for another fork version (mainnet)", () => {
    assert.equal(mainnet.pubkey, good.pubkey, "the same key, signed for mainnet");
    const refusal = checker().checker.check(0, 0, mainnet.pubkey, mainnet.signature);
    assert.equal(refusal?.reason, "bad_signature", "bad_signature");
  });

  it("refuses another key's signature", () => {
    const refusal = checker().checker.check(0, 0, good.pubkey, second.signature);
    assert.equal(refusal?.reason, "bad_signature", "bad_signature");
  });

  it("refuses pubkey bytes that are not a point of the curve, naming the pubkey", () => {
    // The compression flag set and an x coordinate above the field modulus.
    const notAPoint = `0x9f${"ff".repeat(47)}` as Hex;
    const refusal = checker().checker.check(0, 0, notAPoint, good.signature);
    assert.equal(refusal?.reason, "bad_signature", "bad_signature");
    assert.match(refusal?.detail ?? "", /pubkey is not a valid BLS12-381 public key/, "the detail names it");
  });

  it("refuses signature bytes that are not a point of the curve, naming the signature", () => {
    const notAPoint = `0x9f${"ff".repeat(95)}` as Hex;
    const refusal = checker().checker.check(0, 0, good.pubkey, notAPoint);
    assert.equal(refusal?.reason, "bad_signature", "bad_signature");
    assert.match(
      refusal?.detail ?? "",
      /signature is not a valid BLS12-381 signature/,
      "the detail names it",
    );
  });

  it("refuses a pubkey deposited before with the protocol's credentials", () => {
    const { checker: c } = checker({ deposits: { [good.pubkey]: deposit(good.pubkey, CREDENTIALS, 77n) } });
    const refusal = c.check(0, 0, good.pubkey, good.signature);
    assert.equal(refusal?.reason, "already_deposited", "already_deposited");
    assert.match(refusal?.detail ?? "", /block 77/, "the detail gives the block");
    assert.match(
      refusal?.detail ?? "",
      /the protocol's withdrawal credentials/,
      "and says whose credentials",
    );
  });

  it("refuses a pubkey deposited before with other credentials, naming them", () => {
    const other = withdrawalCredentials(OTHER_VAULT);
    const { checker: c } = checker({ deposits: { [good.pubkey]: deposit(good.pubkey, other) } });
    const refusal = c.check(0, 0, good.pubkey, good.signature);
    assert.equal(refusal?.reason, "already_deposited", "already_deposited");
    assert.ok(refusal?.detail.includes(`other withdrawal credentials ${other}`), "the detail names them");
  });

  it("compares the deposit's credentials whatever their case", () => {
    const upper = `0x${CREDENTIALS.slice(2).toUpperCase()}` as Hex;
    const { checker: c } = checker({ deposits: { [good.pubkey]: deposit(good.pubkey, upper) } });
    const refusal = c.check(0, 0, good.pubkey, good.signature);
    assert.match(refusal?.detail ?? "", /the protocol's withdrawal credentials/, "still the protocol's");
  });

  it("refuses a pubkey also registered at another (operator, index)", () => {
    const { checker: c } = checker({
      holders: {
        [good.pubkey]: [
          [0, 0],
          [2, 5],
        ],
      },
    });
    const refusal = c.check(0, 0, good.pubkey, good.signature);
    assert.equal(refusal?.reason, "duplicate", "duplicate");
    assert.match(refusal?.detail ?? "", /operator 2 index 5/, "the detail names the other holder");
    assert.doesNotMatch(refusal?.detail ?? "", /operator 0 index 0/, "not the key itself");
    const sameOperator = checker({
      holders: {
        [good.pubkey]: [
          [0, 0],
          [0, 3],
        ],
      },
    });
    assert.equal(
      sameOperator.checker.check(0, 0, good.pubkey, good.signature)?.reason,
      "duplicate",
      "another index of the same operator is a duplicate too",
    );
    const alone = checker({ holders: { [good.pubkey]: [[0, 0]] } });
    assert.equal(alone.checker.check(0, 0, good.pubkey, good.signature), null, "holding it alone passes");
  });

  it("checks in order: lengths, signature, earlier deposit, duplicate", () => {
    const everything = {
      deposits: { [good.pubkey]: deposit(good.pubkey, CREDENTIALS) },
      holders: {
        [good.pubkey]: [
          [0, 0],
          [1, 0],
        ] as Array<[number, number]>,
      },
    };
    const all = checker(everything);
    assert.equal(
      all.checker.check(0, 0, shorten(good.pubkey), shorten(good.signature))?.reason,
      "pubkey_length",
      "a short pubkey wins over everything",
    );
    assert.deepEqual(all.lookups, { firstDeposit: 0, holders: 0 }, "no lookup made for a bad length");
    assert.equal(
      all.checker.check(0, 0, good.pubkey, shorten(good.signature))?.reason,
      "signature_length",
      "then a short signature",
    );
    assert.equal(
      all.checker.check(0, 0, good.pubkey, second.signature)?.reason,
      "bad_signature",
      "then the signature",
    );
    assert.deepEqual(all.lookups, { firstDeposit: 0, holders: 0 }, "no lookup made for a bad signature");
    assert.equal(
      all.checker.check(0, 0, good.pubkey, good.signature)?.reason,
      "already_deposited",
      "then an earlier deposit",
    );
    assert.equal(all.lookups.holders, 0, "the registry is not asked after an earlier deposit");
    const { deposits: _, ...holdersOnly } = everything;
    assert.equal(
      checker(holdersOnly).checker.check(0, 0, good.pubkey, good.signature)?.reason,
      "duplicate",
      "then a duplicate",
    );
  });

  it("asks the index and the registry again on every check (only signatures are cached)", () => {
    const deposits: Record<string, DepositRecord> = {};
    const { checker: c } = checker({ deposits });
    assert.equal(c.check(0, 0, good.pubkey, good.signature), null, "passes before the deposit");
    deposits[good.pubkey] = deposit(good.pubkey, CREDENTIALS);
    assert.equal(
      c.check(0, 0, good.pubkey, good.signature)?.reason,
      "already_deposited",
      "refused once a deposit is seen",
    );
  });
});
