/**
 * An independent computation of a report's share rate, from the Beacon API's JSON and the EVM state
 * before the report, with the fee terms. It shares no code with the oracle: it is the one the
 * devnet's scenarios check every report against (packages/devnet/src/scenario/expected.ts).
 */
import { accountingAbi } from "@tributary/sdk/abis";
import type { Address } from "viem";
import { type Expected, expectedReport } from "../../../devnet/src/scenario/expected.js";
import type { TestNetwork } from "./network.js";

export { type Expected, expectedReport };

/** Every ReportApplied event so far. */
export async function appliedReports(net: TestNetwork) {
  return net.publicClient.getContractEvents({
    address: net.deployment.contracts.accounting,
    abi: accountingAbi,
    eventName: "ReportApplied",
    fromBlock: 0n,
    strict: true,
  });
}

export type { Address };
