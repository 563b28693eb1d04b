import assert from "node:assert/strict";
import { createCipheriv, scryptSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { AccountError, resolveAccount } from "@tributary/daemon/account";
import { createLogger } from "@tributary/daemon/log";
import { bytesToHex, concat, type Hex, keccak256 } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { parseConfig } from "../src/config.js";

const KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ADDRESS = privateKeyToAddress(KEY);
/** Account 0 of the public test mnemonic. */
const DEV_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const PASSWORD = "correct horse battery staple";

/** A Web3 Secret Storage v3 keystore written from the definition (scrypt, small n for speed). */
function keystore(privateKey: Hex, password: string, address?: string) {
  const salt = Buffer.alloc(32, 3);
  const iv = Buffer.alloc(16, 5);
  const derived = scryptSync(Buffer.from(password, "utf8"), salt, 32, { N: 1 << 12, r: 8, p: 1 });
  const cipher = createCipheriv("aes-128-ctr", derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(privateKey.slice(2), "hex")), cipher.final()]);
  return {
    version: 3,
    ...(address ? { address } : {}),
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: iv.toString("hex") },
      ciphertext: ciphertext.toString("hex"),
      kdf: "scrypt",
      kdfparams: { dklen: 32, n: 1 << 12, r: 8, p: 1, salt: salt.toString("hex") },
      mac: keccak256(concat([bytesToHex(derived.subarray(16, 32)), bytesToHex(ciphertext)])).slice(2),
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), "oracle-account-"));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

async function accountError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => assert.fail("resolved"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AccountError, `an AccountError, got ${error}`);
  assert.equal(error.exitCode, 2, "a usage error");
  assert.ok(!error.message.toLowerCase().includes(KEY.slice(2)), "no key in the message");
  return error.message;
}

describe("resolveAccount", () => {
  it("decrypts a keystore through the SDK (password from the environment, or the prompt)", async () => {
    const path = file("k.json", keystore(KEY, PASSWORD, ADDRESS.slice(2).toLowerCase()));
    const config = parseConfig(["--keystore", path], { ORACLE_KEYSTORE_PASSWORD: PASSWORD });
    const account = await resolveAccount(config.account, { chainId: 1 });
    assert.equal(account?.address, ADDRESS, "the keystore's account");
    const asked: string[] = [];
    const prompted = await resolveAccount(parseConfig(["--keystore", path], {}).account, {
      chainId: 1,
      prompt: async (question) => {
        asked.push(question);
        return PASSWORD;
      },
    });
    assert.equal(prompted?.address, ADDRESS, "with the prompted password");
    assert.deepEqual(asked, [`Password for ${path}: `], "asked once, naming the file");
  });

  it("names a wrong password, a malformed or unreadable keystore, a missing password, a wrong address", async () => {
    const path = file("k2.json", keystore(KEY, PASSWORD));
    const source = (password?: string) =>
      parseConfig(["--keystore", path], password === undefined ? {} : { ORACLE_KEYSTORE_PASSWORD: password })
        .account;
    assert.equal(
      await accountError(resolveAccount(source("nope"), { chainId: 1 })),
      `Wrong password for the keystore ${path} (its MAC does not match).`,
    );
    // The test runner's stdin is not a terminal: no prompt.
    assert.match(
      await accountError(resolveAccount(source(), { chainId: 1 })),
      /needs its password: set ORACLE_KEYSTORE_PASSWORD \(no terminal to ask on\)/,
    );
    const bad = file("bad.json", {
      version: 3,
      crypto: { ...keystore(KEY, PASSWORD).crypto, kdf: "argon2" },
    });
    assert.match(
      await accountError(
        resolveAccount(parseConfig(["--keystore", bad], { ORACLE_KEYSTORE_PASSWORD: "x" }).account, {
          chainId: 1,
        }),
      ),
      /bad\.json is not a usable Web3 Secret Storage v3 file: key derivation argon2/,
    );
    const text = file("text.json", "not json");
    assert.match(
      await accountError(
        resolveAccount(parseConfig(["--keystore", text], { ORACLE_KEYSTORE_PASSWORD: "x" }).account, {
          chainId: 1,
        }),
      ),
      /text\.json is not JSON/,
    );
    assert.match(
      await accountError(
        resolveAccount(
          parseConfig(["--keystore", join(dir, "absent.json")], { ORACLE_KEYSTORE_PASSWORD: "x" }).account,
          {
            chainId: 1,
          },
        ),
      ),
      /absent\.json cannot be read: ENOENT/,
    );
    const other = file("other.json", keystore(KEY, PASSWORD, "0x0000000000000000000000000000000000000001"));
    assert.match(
      await accountError(
        resolveAccount(parseConfig(["--keystore", other], { ORACLE_KEYSTORE_PASSWORD: PASSWORD }).account, {
          chainId: 1,
        }),
      ),
      new RegExp(`names address 0x0+1, but its key is that of ${ADDRESS}`),
    );
  });

  it("takes ORACLE_PRIVATE_KEY and refuses an invalid one without quoting it", async () => {
    const account = await resolveAccount(parseConfig([], { ORACLE_PRIVATE_KEY: KEY }).account, {
      chainId: 1,
    });
    assert.equal(account?.address, ADDRESS, "the key's account");
    const outOfRange = `0x${"ff".repeat(32)}`;
    const message = await accountError(
      resolveAccount(parseConfig([], { ORACLE_PRIVATE_KEY: outOfRange }).account, { chainId: 1 }),
    );
    assert.equal(message, "ORACLE_PRIVATE_KEY is not a valid secp256k1 private key.");
  });

  it("gives a dev account only on development chains", async () => {
    const source = parseConfig(["--dev-account", "0"], {}).account;
    assert.equal((await resolveAccount(source, { chainId: 31337 }))?.address, DEV_0, "account 0 on anvil");
    assert.equal(
      (await resolveAccount(source, { chainId: 1337 }))?.address,
      DEV_0,
      "account 0 on chain 1337",
    );
    assert.match(
      await accountError(resolveAccount(source, { chainId: 1 })),
      /--dev-account is refused on chain 1/,
    );
  });

  it("gives no account for --dry-run without a key", async () => {
    assert.equal(await resolveAccount(parseConfig(["--dry-run"], {}).account, { chainId: 1 }), undefined);
  });

  it("registers the key with the logger: no line holds it afterwards", async () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (line) => lines.push(line) });
    const path = file("k3.json", keystore(KEY, PASSWORD));
    await resolveAccount(parseConfig(["--keystore", path], { ORACLE_KEYSTORE_PASSWORD: PASSWORD }).account, {
      chainId: 1,
      logger: log.child({ component: "account" }),
    });
    log.info("oops", { value: KEY, text: `key=${KEY.slice(2).toUpperCase()}` });
    assert.equal(lines.length, 1, "one line");
    assert.ok(!lines[0]?.toLowerCase().includes(KEY.slice(2)), `redacted: ${lines[0]}`);
  });
});
