/**
 * A `deposit_data-*.json` file (staking-deposit-cli's format) checked in the browser before its
 * keys are sent: its shape, the protocol's withdrawal credentials, 32 ETH each, no key twice, and
 * each entry's `deposit_data_root` recomputed (SSZ hash tree root of the deposit data), so a file
 * that was altered or cut is refused. The BLS signatures are checked by the guardians before any
 * key is vetted (and by `tributary operator add-keys`); a bad one never gets deposited.
 */
import { concat, type Hex, hexToBytes, sha256 } from "viem";

export interface DepositKey {
  pubkey: Hex;
  signature: Hex;
}

export class DepositDataError extends Error {
  override name = "DepositDataError";
}

const FIELDS = { pubkey: 48, withdrawal_credentials: 32, signature: 96, deposit_data_root: 32 } as const;
const DEPOSIT_GWEI = 32_000_000_000n;
const zero = (bytes: number) => `0x${"00".repeat(bytes)}` as Hex;

/** SSZ hash tree root of DepositData(pubkey, withdrawal_credentials, amount, signature). */
export function depositDataRoot(
  pubkey: Hex,
  withdrawalCredentials: Hex,
  amountGwei: bigint,
  signature: Hex,
): Hex {
  const pubkeyRoot = sha256(concat([pubkey, zero(16)]));
  const signatureRoot = sha256(
    concat([
      sha256(`0x${signature.slice(2, 2 + 128)}`),
      sha256(concat([`0x${signature.slice(2 + 128)}`, zero(32)])),
    ]),
  );
  const amount = new Uint8Array(32);
  new DataView(amount.buffer).setBigUint64(0, amountGwei, true);
  return sha256(
    concat([
      sha256(concat([pubkeyRoot, withdrawalCredentials])),
      sha256(concat([amount, hexToBytes(signatureRoot)])),
    ]),
  );
}

export function parseDepositData(text: string, withdrawalCredentials: Hex): DepositKey[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DepositDataError(
      "This file is not JSON: choose the deposit_data-….json file the deposit tool wrote.",
    );
  }
  if (!Array.isArray(json) || json.length === 0) {
    throw new DepositDataError("This file holds no deposits: a deposit data file is a list of entries.");
  }
  const seen = new Set<string>();
  return json.map((entry: Record<string, unknown>, i) => {
    const n = i + 1;
    if (typeof entry !== "object" || entry === null)
      throw new DepositDataError(`Entry ${n} is not an object.`);
    const hex: Record<string, Hex> = {};
    for (const [field, bytes] of Object.entries(FIELDS)) {
      const value = entry[field];
      const clean = typeof value === "string" ? value.replace(/^0x/, "").toLowerCase() : "";
      if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(clean)) {
        throw new DepositDataError(`Entry ${n}: ${field} must be ${bytes} bytes of hexadecimal.`);
      }
      hex[field] = `0x${clean}`;
    }
    const { pubkey, signature } = hex as { pubkey: Hex; signature: Hex };
    if (hex.withdrawal_credentials !== withdrawalCredentials.toLowerCase()) {
      throw new DepositDataError(
        `Entry ${n}: its withdrawal credentials ${hex.withdrawal_credentials} are not the protocol's (${withdrawalCredentials}): generate the keys with the protocol's withdrawal address.`,
      );
    }
    if (String(entry.amount) !== DEPOSIT_GWEI.toString()) {
      throw new DepositDataError(
        `Entry ${n}: the amount must be 32 ETH (32000000000 gwei), not ${String(entry.amount)}.`,
      );
    }
    if (depositDataRoot(pubkey, withdrawalCredentials, DEPOSIT_GWEI, signature) !== hex.deposit_data_root) {
      throw new DepositDataError(
        `Entry ${n}: its deposit_data_root does not match its fields: the file was altered.`,
      );
    }
    if (seen.has(pubkey))
      throw new DepositDataError(`Entry ${n}: key ${pubkey.slice(0, 12)}… is in the file twice.`);
    seen.add(pubkey);
    return { pubkey, signature };
  });
}
