import assert from "node:assert/strict";
import { createCipheriv, scryptSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bytesToHex, concat, type Hex, keccak256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { startAnvil } from "../../../contracts/lib/anvil.js";
import { freePort } from "../../../contracts/lib/bench.js";
import { devPrivateKey } from "../../../contracts/lib/devkeys.js";
import { type CliChain, parseJson, runCli, show, startCliChain } from "./run.js";

const PASSWORD = "correct horse battery staple";

/**
 * A Web3 Secret Storage v3 keystore, written here independently of the CLI's code: scrypt with a
 * small cost (n = 2^12) so that the test is quick, fixed salt and iv (no randomness in tests).
 */
function keystore(privateKey: Hex, password: string) {
  const salt = Buffer.alloc(32, 7);
  const iv = Buffer.alloc(16, 9);
  const kdfparams = { dklen: 32, n: 4096, r: 8, p: 1, salt: salt.toString("hex") };
  const derived = scryptSync(password, salt, 32, { N: 4096, r: 8, p: 1 });
  const cipher = createCipheriv("aes-128-ctr", derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(privateKey.slice(2), "hex")), cipher.final()]);
  const mac = keccak256(concat([bytesToHex(derived.subarray(16, 32)), bytesToHex(ciphertext)]));
  return {
    version: 3,
    id: "6b3b1f0e-0000-4000-8000-000000000001",
    address: privateKeyToAccount(privateKey).address.slice(2).toLowerCase(),
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: iv.toString("hex") },
      ciphertext: ciphertext.toString("hex"),
      kdf: "scrypt",
      kdfparams,
      mac: mac.slice(2),
    },
  };
}

describe("tributary: accounts", () => {
  let t: CliChain;
  let file: string;
  const key = devPrivateKey(9);
  const address = privateKeyToAccount(key).address;

  before(async () => {
    t = await startCliChain();
    file = join(t.dir, "keystore.json");
    writeFileSync(file, JSON.stringify(keystore(key, PASSWORD)));
  });
  after(() => t?.stop());

  it("decrypts a keystore and signs with it; never prints the key", async () => {
    const result = await t.cli(["--keystore", file, "--json", "--yes", "stake", "0.1"], {
      env: { TRIBUTARY_KEYSTORE_PASSWORD: PASSWORD },
    });
    assert.equal(result.code, 0, show(result));
    assert.equal(
      parseJson<{ from: string }>(result).from.toLowerCase(),
      address.toLowerCase(),
      "signed by it",
    );
    assert.ok(!`${result.stdout}${result.stderr}`.includes(key.slice(2)), "the key is not printed");
  });

  it("refuses a wrong password clearly, and asks for one only on a terminal", async () => {
    const before = await t.local.publicClient.getTransactionCount({ address });
    const wrong = await t.cli(["--keystore", file, "--yes", "stake", "0.1"], {
      env: { TRIBUTARY_KEYSTORE_PASSWORD: "wrong" },
    });
    assert.equal(wrong.code, 2, show(wrong));
    assert.match(wrong.stderr, /Wrong password for the keystore .*keystore\.json/, show(wrong));
    const none = await t.cli(["--keystore", file, "--yes", "stake", "0.1"]);
    assert.equal(none.code, 2, show(none));
    assert.match(none.stderr, /set TRIBUTARY_KEYSTORE_PASSWORD/, show(none));
    assert.equal(await t.local.publicClient.getTransactionCount({ address }), before, "nothing sent");
  });

  it("takes the key from TRIBUTARY_PRIVATE_KEY, and refuses a malformed one without printing it", async () => {
    const result = await t.cli(["--json", "status"], { env: { TRIBUTARY_PRIVATE_KEY: key } });
    assert.equal(result.code, 0, show(result));
    assert.equal(parseJson<{ address: string }>(result).address, address, "the key's address");
    const bad = `${key.slice(0, -2)}zz`;
    const refused = await t.cli(["status"], { env: { TRIBUTARY_PRIVATE_KEY: bad } });
    assert.equal(refused.code, 2, show(refused));
    assert.match(refused.stderr, /TRIBUTARY_PRIVATE_KEY is not a private key/, show(refused));
    assert.ok(!refused.stderr.includes(bad.slice(4)), "the value is not printed");
  });

  it("asks for an account when a command needs one", async () => {
    const result = await t.cli(["--yes", "stake", "1"]);
    assert.equal(result.code, 2, show(result));
    assert.match(result.stderr, /needs an account: pass --keystore/, show(result));
  });

  it("refuses the public development keys on a chain that is not a development chain", async () => {
    const node = await startAnvil(await freePort(), ["--chain-id", "5", "--silent"]);
    try {
      const result = await runCli(["--rpc-url", node.url, "--dev-account", "5", "--yes", "stake", "1"]);
      assert.equal(result.code, 3, show(result));
      assert.match(
        result.stderr,
        /--dev-account is refused on chain 5: its keys are public, so it works only on development chains \(31337, 31338, 1337\)/,
        show(result),
      );
    } finally {
      await node.stop();
    }
  });
});
