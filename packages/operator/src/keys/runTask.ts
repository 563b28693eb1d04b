import { create, type IKeystore } from "@chainsafe/bls-keystore";
// The keystore library's own scrypt (Node's crypto.scryptSync with its maxmem), for the benchmark.
import { doScrypt } from "@chainsafe/bls-keystore/lib/kdf/scrypt.js";
import { hexToBytes } from "viem";
import { ValidatorKeyDeriver } from "./derive.js";
import { kdfModule } from "./kdf.js";
import { depositDomain, signDeposit } from "./signing.js";
import type { DepositsTask, DerivedDeposit, KeystoreTask, ScryptTask, Task } from "./tasks.js";

/** Runs a task in this thread: what a pool worker does with each message. */
export async function runTask(task: Task): Promise<IKeystore | Uint8Array | DerivedDeposit[]> {
  switch (task.kind) {
    case "keystore":
      return createKeystoreObject(task);
    case "scrypt":
      return scrypt(task);
    case "deposits":
      return deriveDeposits(task);
  }
}

/** An EIP-2335 keystore object, fields in staking-deposit-cli's order. */
export async function createKeystoreObject(task: Omit<KeystoreTask, "kind">): Promise<IKeystore> {
  const made = await create(task.password, task.secretKey, task.pubkey, task.path, null, kdfModule(task.kdf));
  return {
    crypto: made.crypto,
    description: task.description,
    pubkey: made.pubkey,
    path: made.path,
    uuid: made.uuid,
    version: made.version,
  };
}

function scrypt(task: ScryptTask): Promise<Uint8Array> {
  return doScrypt(task.salt, task.n, task.p, task.r, task.dklen, task.password);
}

function deriveDeposits(task: DepositsTask): DerivedDeposit[] {
  const deriver = new ValidatorKeyDeriver(task.seed);
  const domain = depositDomain(task.forkVersion);
  const credentials = hexToBytes(task.withdrawalCredentials);
  const out: DerivedDeposit[] = [];
  for (let index = task.startIndex; index < task.startIndex + task.count; index++) {
    const secretKey = deriver.signingKey(index);
    const deposit = signDeposit(secretKey, secretKey.toPublicKey().toBytes(), credentials, domain);
    out.push({
      index,
      secretKey: secretKey.toBytes(),
      pubkey: deposit.pubkey,
      signature: deposit.signature,
      depositMessageRoot: deposit.depositMessageRoot,
      depositDataRoot: deposit.depositDataRoot,
    });
  }
  return out;
}
