/**
 * Key benchmark: derive and sign the deposit data of N validators (in this thread and over the
 * worker pool), then measure EIP-2335 keystores at the standard scrypt cost against bare scrypt
 * calls of the same parameters through the same function, over the same pool.
 *
 *   npm run bench:keys -w @tributary/operator -- [--validators 1000] [--keystores 8] [--json]
 *
 * The last line is a JSON object of the figures. Test mnemonic only; nothing is written to disk.
 */
import { scrypt as nodeScrypt, randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import {
  createKeystores,
  generateValidatorKeys,
  KeyWorkerPool,
  NETWORKS,
  parseDepositData,
  STANDARD_SCRYPT,
  withdrawalCredentials,
} from "../src/keys/index.js";

const { values } = parseArgs({
  options: {
    validators: { type: "string", default: "1000" },
    keystores: { type: "string", default: "8" },
    json: { type: "boolean", default: false },
  },
});
const validators = Number(values.validators);
const keystoreCount = Number(values.keystores);
if (!Number.isInteger(validators) || validators < 1)
  throw new Error(`--validators ${values.validators}: not a positive integer`);
if (!Number.isInteger(keystoreCount) || keystoreCount < 1)
  throw new Error(`--keystores ${values.keystores}: not a positive integer`);

/** BIP-39's all-"abandon" 24-word test vector: public, never deposit to it. */
const MNEMONIC = `${"abandon ".repeat(23)}art`;
const VAULT = "0x00000000000000000000000000000000000000aa";
const PASSWORD = "benchmark password";
const network = NETWORKS.devnet;
const seconds = (start: number) => (performance.now() - start) / 1000;
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

const pool = new KeyWorkerPool();
await pool.warm();
const common = { mnemonic: MNEMONIC, withdrawalVault: VAULT, network } as const;
// Warm both paths (JIT, lazy imports) on a few keys, away from the range measured.
await generateValidatorKeys({ ...common, startIndex: 100_000, count: 4 });
await generateValidatorKeys({ ...common, startIndex: 100_000, count: 4, pool });

let start = performance.now();
const here = await generateValidatorKeys({ ...common, startIndex: 0, count: validators });
const hereSeconds = seconds(start);
start = performance.now();
const pooled = await generateValidatorKeys({ ...common, startIndex: 0, count: validators, pool });
const poolSeconds = seconds(start);
if (pooled.keys.at(-1)?.depositData.deposit_data_root !== here.keys.at(-1)?.depositData.deposit_data_root)
  throw new Error("the pool's deposit data differs from this thread's");
start = performance.now();
parseDepositData(
  here.keys.map((k) => k.depositData),
  { forkVersion: network.forkVersion, withdrawalCredentials: withdrawalCredentials(VAULT) },
);
const parseSeconds = seconds(start);
console.log(`deposit data for ${validators} validators (derive, sign, both roots):`);
console.log(`  this thread:        ${hereSeconds.toFixed(3)} s`);
console.log(`  ${pool.size} pool workers:     ${poolSeconds.toFixed(3)} s`);
console.log(`  parseDepositData:   ${parseSeconds.toFixed(3)} s (every check, BLS verification included)`);

// Keystores at the standard cost over the pool, then the same number of bare scrypt calls through
// the keystore library's own scrypt function (what its KDF step calls), over the same pool.
const sample = here.keys.slice(0, keystoreCount);
start = performance.now();
await createKeystores({ keys: sample, password: PASSWORD, pool });
const keystorePerKey = seconds(start) / keystoreCount;

const { n, r, p, dklen } = STANDARD_SCRYPT;
const password = new TextEncoder().encode(PASSWORD);
start = performance.now();
await Promise.all(
  Array.from({ length: keystoreCount }, () =>
    pool.run({ kind: "scrypt", password, salt: randomBytes(32), n, r, p, dklen }),
  ),
);
const barePerKey = seconds(start) / keystoreCount;

// Node's asynchronous crypto.scrypt (libuv thread pool) from this thread, for information.
start = performance.now();
await Promise.all(
  Array.from(
    { length: keystoreCount },
    () =>
      new Promise<void>((resolve, reject) =>
        nodeScrypt(password, randomBytes(32), dklen, { N: n, r, p, maxmem: 256 * n * r }, (error) =>
          error ? reject(error) : resolve(),
        ),
      ),
  ),
);
const nativePerKey = seconds(start) / keystoreCount;
await pool.close();

const ratio = keystorePerKey / barePerKey;
console.log(`keystores, scrypt n = 2^18, r = 8, p = 1, ${keystoreCount} keys over ${pool.size} workers:`);
console.log(`  keystore:           ${keystorePerKey.toFixed(3)} s per key`);
console.log(`  bare scrypt:        ${barePerKey.toFixed(3)} s per key (the library's own scrypt function)`);
console.log(`  ratio:              ${ratio.toFixed(3)} (bar: at most 1.2)`);
console.log(
  `  node crypto.scrypt: ${nativePerKey.toFixed(3)} s per key (async, libuv pool, for information)`,
);

const best = Math.min(hereSeconds, poolSeconds);
const result = {
  validators,
  seconds: round(best),
  signing: poolSeconds < hereSeconds ? "pool" : "thread",
  seconds_thread: round(hereSeconds),
  seconds_pool: round(poolSeconds),
  parse_seconds: round(parseSeconds),
  keystores: keystoreCount,
  workers: pool.size,
  keystore_s_per_key: round(keystorePerKey),
  bare_scrypt_s_per_key: round(barePerKey),
  keystore_ratio: round(ratio),
  native_scrypt_s_per_key: round(nativePerKey),
};
if (values.json) console.log(JSON.stringify(result));
else console.log(result);
