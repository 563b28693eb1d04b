import { type Address, type Chain, type Client, isAddressEqual, type Transport, zeroAddress } from "viem";
import type { Deployment } from "../deployment.js";
import * as accountingAbi from "../generated/accounting.js";
import * as trETHAbi from "../generated/trETH.js";
import { readMany } from "./read.js";

/** Most accounting modules followed back through `previous()` (each step costs a round trip). */
const MAX_MODULES = 8;

/**
 * The token's accounting module now, then the modules it replaced, newest first (each module's
 * `previous()`), so that report events of every module can be read. The deployment's module and
 * its predecessor are read with the token's in one multicall: a chain never upgraded costs one
 * round trip; each replacement found costs one more.
 */
export async function accountingModules(
  client: Client<Transport, Chain | undefined>,
  deployment: Deployment,
  blockNumber?: bigint,
): Promise<Address[]> {
  const { token, accounting } = deployment.contracts;
  const [current, previousOfDeployed] = await readMany(
    client,
    [
      { address: token, abi: trETHAbi.accountingModule, functionName: "accountingModule" },
      { address: accounting, abi: accountingAbi.previous, functionName: "previous" },
    ] as const,
    blockNumber,
  );
  const previous = new Map<Address, Address>([[accounting, previousOfDeployed]]);
  const modules: Address[] = [];
  let module: Address = current;
  while (module !== zeroAddress && modules.length < MAX_MODULES) {
    if (modules.some((m) => isAddressEqual(m, module))) break;
    modules.push(module);
    const known = [...previous].find(([address]) => isAddressEqual(address, module));
    if (known) {
      module = known[1];
    } else {
      const [before] = await readMany(
        client,
        [{ address: module, abi: accountingAbi.previous, functionName: "previous" }] as const,
        blockNumber,
      );
      module = before;
    }
  }
  return modules;
}
