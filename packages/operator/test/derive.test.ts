import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hexToBytes } from "viem";
import {
  deriveKeyAtPath,
  deriveMasterKey,
  formatPath,
  InvalidDerivationPathError,
  InvalidKeysArgumentError,
  parsePath,
  signingKeyPath,
  ValidatorKeyDeriver,
  withdrawalKeyPath,
} from "../src/keys/index.js";

/** EIP-2333 "Test Cases" 0-3, verbatim from the EIP (secret keys as decimal integers). */
const EIP2333_VECTORS = [
  {
    seed: "0xc55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
    masterSK: 6083874454709270928345386274498605044986640685124978867557563392430687146096n,
    childIndex: 0,
    childSK: 20397789859736650942317412262472558107875392172444076792671091975210932703118n,
  },
  {
    seed: "0x3141592653589793238462643383279502884197169399375105820974944592",
    masterSK: 29757020647961307431480504535336562678282505419141012933316116377660817309383n,
    childIndex: 3141592653,
    childSK: 25457201688850691947727629385191704516744796114925897962676248250929345014287n,
  },
  {
    seed: "0x0099FF991111002299DD7744EE3355BBDD8844115566CC55663355668888CC00",
    masterSK: 27580842291869792442942448775674722299803720648445448686099262467207037398656n,
    childIndex: 4294967295,
    childSK: 29358610794459428860402234341874281240803786294062035874021252734817515685787n,
  },
  {
    seed: "0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
    masterSK: 19022158461524446591288038168518313374041767046816487870552872741050760015818n,
    childIndex: 42,
    childSK: 31372231650479070279774297061823572166496564838472787488249775572789064611981n,
  },
] as const;

const toInt = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString("hex")}`);

describe("EIP-2333 derivation", () => {
  for (const [i, v] of EIP2333_VECTORS.entries())
    it(`matches the EIP's test case ${i}`, () => {
      const seed = hexToBytes(v.seed as `0x${string}`);
      const master = deriveMasterKey(seed);
      assert.equal(toInt(master.toBytes()), v.masterSK, "master_SK");
      assert.equal(toInt(master.deriveChildEip2333(v.childIndex).toBytes()), v.childSK, "child_SK");
      assert.equal(
        toInt(deriveKeyAtPath(seed, `m/${v.childIndex}`).toBytes()),
        v.childSK,
        "child_SK by path",
      );
    });

  it("derives validator keys from the cached m/12381/3600 node as from the full path", () => {
    const seed = hexToBytes(EIP2333_VECTORS[0].seed);
    const deriver = new ValidatorKeyDeriver(seed);
    for (const index of [0, 1, 7, 1000]) {
      assert.deepEqual(
        deriver.signingKey(index).toBytes(),
        deriveKeyAtPath(seed, signingKeyPath(index)).toBytes(),
        `signing key ${index}`,
      );
      assert.deepEqual(
        deriver.withdrawalKey(index).toBytes(),
        deriveKeyAtPath(seed, withdrawalKeyPath(index)).toBytes(),
        `withdrawal key ${index}`,
      );
    }
    assert.throws(() => deriver.signingKey(-1), InvalidKeysArgumentError, "negative index");
    assert.throws(() => deriveMasterKey(new Uint8Array(16)), InvalidKeysArgumentError, "short seed");
  });
});

describe("EIP-2334 paths", () => {
  it("formats and parses the signing and withdrawal paths", () => {
    assert.equal(signingKeyPath(5), "m/12381/3600/5/0/0", "signing path");
    assert.equal(withdrawalKeyPath(5), "m/12381/3600/5/0", "withdrawal path");
    assert.deepEqual(parsePath("m/12381/3600/5/0/0"), [12381, 3600, 5, 0, 0], "parsed");
    assert.equal(
      formatPath(parsePath("m/12381/3600/4294967295/0/0")),
      "m/12381/3600/4294967295/0/0",
      "round trip",
    );
    assert.deepEqual(parsePath("m"), [], "master");
  });

  it("refuses malformed paths with InvalidDerivationPathError", () => {
    for (const [path, reason] of [
      ["12381/3600/0/0/0", /must start with "m"/],
      ["m/12381/3600/x/0/0", /level 3 \("x"\) is not a decimal integer/],
      ["m/12381//0", /level 2/],
      ["m/12381/3600/01/0/0", /not a decimal integer/],
      ["m/4294967296", /not below 2\^32/],
    ] as const)
      assert.throws(
        () => parsePath(path),
        (e: unknown) => e instanceof InvalidDerivationPathError && reason.test(e.message),
        path,
      );
    assert.throws(() => formatPath([12381, -1]), InvalidDerivationPathError, "negative level");
  });
});
