import type { Address, Chain, Client, Transport } from "viem";
import * as operatorRegistryAbi from "../generated/operatorRegistry.js";
import { readMany } from "./read.js";

/** One node operator as the registry holds it, with its bond valued now. */
export type Operator = {
  operatorId: bigint;
  /** Manages keys, bond and commission. */
  manager: Address;
  /** Receives the operator's commission. */
  rewardAddress: Address;
  /** Commission in force now, basis points of its validators' rewards (`commissionOf`). */
  commissionBps: number;
  /** A scheduled commission change not in force yet, or null. */
  pendingCommission: { commissionBps: number; effectiveAt: bigint } | null;
  /** Keys: submitted, vetted by the guardians, deposited, exited (as reported), withdrawn (ETH back). */
  keys: { total: number; vetted: number; deposited: number; exited: number; withdrawn: number };
  /** trETH shares held as bond. */
  bondShares: bigint;
  /** The bond valued in ETH at the current rate, wei (`bondValue`). */
  bondValue: bigint;
  /** Bond needed for its keys whose ETH is not back, wei (`requiredBond`). */
  requiredBond: bigint;
  /** ETH (wei) it must add before it can add a key or withdraw bond (`bondTopUp(id, 0)`); 0 when the bond suffices. */
  bondTopUp: bigint;
  /** Losses its bond did not cover, wei. */
  debt: bigint;
  /** Added by governance; needs no bond. */
  curated: boolean;
};

/** Reads `ids` from the registry in one multicall (split by viem into parallel calls when large). */
export async function readOperators(
  client: Client<Transport, Chain | undefined>,
  registry: Address,
  ids: readonly bigint[],
  blockNumber?: bigint,
): Promise<Operator[]> {
  const per = (id: bigint) =>
    [
      { address: registry, abi: operatorRegistryAbi.getOperator, functionName: "getOperator", args: [id] },
      { address: registry, abi: operatorRegistryAbi.commissionOf, functionName: "commissionOf", args: [id] },
      { address: registry, abi: operatorRegistryAbi.bondValue, functionName: "bondValue", args: [id] },
      { address: registry, abi: operatorRegistryAbi.requiredBond, functionName: "requiredBond", args: [id] },
      { address: registry, abi: operatorRegistryAbi.bondTopUp, functionName: "bondTopUp", args: [id, 0n] },
    ] as const;
  const results = await readMany(client, ids.flatMap(per), blockNumber);
  return ids.map((operatorId, i) => {
    const [op, commissionBps, bondValue, requiredBond, topUp] = results.slice(
      i * 5,
      i * 5 + 5,
    ) as unknown as [
      {
        manager: Address;
        rewardAddress: Address;
        commissionBps: number;
        pendingCommissionBps: number;
        commissionEffectiveAt: number;
        curated: boolean;
        totalKeys: number;
        vettedKeys: number;
        depositedKeys: number;
        exitedKeys: number;
        bondShares: bigint;
        debt: bigint;
        withdrawnKeys: number;
      },
      number,
      bigint,
      bigint,
      readonly [bigint, bigint],
    ];
    const scheduled = op.commissionEffectiveAt !== 0 && op.pendingCommissionBps !== commissionBps;
    return {
      operatorId,
      manager: op.manager,
      rewardAddress: op.rewardAddress,
      commissionBps,
      pendingCommission: scheduled
        ? { commissionBps: op.pendingCommissionBps, effectiveAt: BigInt(op.commissionEffectiveAt) }
        : null,
      keys: {
        total: op.totalKeys,
        vetted: op.vettedKeys,
        deposited: op.depositedKeys,
        exited: op.exitedKeys,
        withdrawn: op.withdrawnKeys,
      },
      bondShares: op.bondShares,
      bondValue,
      requiredBond,
      bondTopUp: topUp[0],
      debt: op.debt,
      curated: op.curated,
    };
  });
}
