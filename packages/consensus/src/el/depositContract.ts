import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Hex } from "../hex.js";

/** DEPOSIT_CONTRACT_TREE_DEPTH of the beacon deposit contract. */
const TREE_DEPTH = 32;
/** Storage layout of DepositContract.sol: branch[32] at 0..31, deposit_count at 32, zero_hashes[32] at 33..64. */
const ZERO_HASHES_FIRST_SLOT = 33;

/** Runtime code only: callers take the ABI from the SDK (`depositContractAbi` from `@tributary/sdk/abis`). */
type Artifact = { deployedBytecode: Hex };

let artifact: Artifact | undefined;

/** The compiled beacon deposit contract (see scripts/build-deposit-artifact.cjs). */
export function depositContractArtifact(): Artifact {
  artifact ??= JSON.parse(
    readFileSync(new URL("../../artifacts/DepositContract.json", import.meta.url), "utf8"),
  ) as Artifact;
  return artifact;
}

/**
 * Storage the deposit contract's constructor writes: zero_hashes[i + 1] = sha256(zero_hashes[i] ++ zero_hashes[i]).
 * Installing runtime code with this storage is equivalent to deploying it.
 */
export function depositContractStorage(): Array<{ slot: number; value: Hex }> {
  const writes: Array<{ slot: number; value: Hex }> = [];
  let zero = Buffer.alloc(32);
  for (let height = 0; height < TREE_DEPTH - 1; height++) {
    zero = createHash("sha256")
      .update(Buffer.concat([zero, zero]))
      .digest();
    writes.push({ slot: ZERO_HASHES_FIRST_SLOT + height + 1, value: `0x${zero.toString("hex")}` });
  }
  return writes;
}
