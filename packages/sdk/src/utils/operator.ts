import type { Account, Address } from "viem";
import { InvalidArgumentError } from "../errors/base.js";
import { Refusal } from "../errors/refusal.js";
import * as operatorRegistryAbi from "../generated/operatorRegistry.js";
import { readMany } from "./read.js";
import type { WriteClient } from "./write.js";

/** Checks an operator id argument: a bigint, not negative. */
export function checkOperatorId(value: bigint): bigint {
  if (typeof value !== "bigint" || value < 0n) {
    throw new InvalidArgumentError("operatorId", "The operator id must be a bigint, 0 or more.", {
      docsPath: "writes",
    });
  }
  return value;
}

/** Checks a commission in basis points against the registry's maximum (read by the caller). */
export function checkCommission(commissionBps: number, maxBps: number): number {
  if (!Number.isInteger(commissionBps) || commissionBps < 0) {
    throw new InvalidArgumentError(
      "commissionBps",
      "The commission is a whole number of basis points, 0 or more.",
      {
        docsPath: "writes",
      },
    );
  }
  if (commissionBps > maxBps) {
    throw new Refusal("OperatorRegistryCommissionTooHigh", {
      commissionBps: BigInt(commissionBps),
      maxBps: BigInt(maxBps),
    });
  }
  return commissionBps;
}

/**
 * The operator, which must exist (`OperatorRegistryUnknownOperator`, from the registry) and, with
 * `manager`, be managed by the account (`OperatorRegistryNotManager`); plus the registry's
 * maximum commission, in the same multicall.
 */
export async function readOperator(
  client: WriteClient,
  registry: Address,
  operatorId: bigint,
  account: Account,
  manager: boolean,
) {
  const [operator, maxCommissionBps] = await readMany(client, [
    {
      address: registry,
      abi: operatorRegistryAbi.getOperator,
      functionName: "getOperator",
      args: [operatorId],
    },
    { address: registry, abi: operatorRegistryAbi.maxCommissionBps, functionName: "maxCommissionBps" },
  ] as const);
  if (manager && operator.manager.toLowerCase() !== account.address.toLowerCase()) {
    throw new Refusal("OperatorRegistryNotManager", { operatorId, caller: account.address });
  }
  return { operator, maxCommissionBps };
}
