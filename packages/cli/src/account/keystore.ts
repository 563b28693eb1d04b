/**
 * Web3 Secret Storage (version 3) keystores, decrypted by the SDK's Node.js entry (one copy of the
 * decoder for the CLI and the daemons). Its errors become usage errors (exit code 2) with the same
 * sentences.
 */
import { decryptKeystore as decrypt, InvalidKeystoreError, KeystorePasswordError } from "@tributary/sdk/node";
import type { Address, Hex } from "viem";
import { CliError, ExitCode } from "../exit.js";

/**
 * Decrypts a keystore's private key with `password` (and returns the address the file names, if
 * any). Throws a usage error for a malformed file and for a wrong password (the MAC does not match).
 */
export async function decryptKeystore(
  parsed: unknown,
  password: string,
  file = "file",
): Promise<{ privateKey: Hex; address: Address | undefined }> {
  try {
    return await decrypt(parsed, password, { name: file });
  } catch (error) {
    if (error instanceof InvalidKeystoreError || error instanceof KeystorePasswordError) {
      throw new CliError(error.shortMessage, ExitCode.usage, { cause: error });
    }
    throw error;
  }
}
