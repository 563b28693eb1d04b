import type { Address, Chain } from "viem";
import { hasAccount, resolveAccount } from "../account/resolve.js";
import { usageError } from "../exit.js";
import type { GlobalOptions } from "../options.js";
import { parseAddress } from "../parse.js";

/** The address a read command is about: the one given, else the account's. */
export async function subjectOf(
  address: string | undefined,
  context: { options: GlobalOptions; chain: Chain },
): Promise<Address> {
  if (address !== undefined) return parseAddress(address, "address");
  if (!hasAccount(context.options)) {
    throw usageError(
      "Whose? Give an address, or an account (--keystore, TRIBUTARY_PRIVATE_KEY or --dev-account).",
    );
  }
  return (await resolveAccount(context.options, context.chain.id)).address;
}
