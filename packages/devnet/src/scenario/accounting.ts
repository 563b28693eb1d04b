/**
 * The accounting check every scenario ends with, on a chain at rest (no slot produced while it
 * reads). Each figure comes from where the chain shows it, not from the protocol's own books:
 *
 * - came in: stakes and bonds (trETH `Deposit` events), consensus-layer rewards net of penalties
 *   (Beacon API: the protocol validators' balances and pending deposits, plus what they withdrew to
 *   the vault according to the beacon blocks, minus the deposits the deposit contract logged with the
 *   vault's credentials), execution-layer rewards (the priority fees of the blocks whose fee
 *   recipient is the vault);
 * - left: EIP-7002 exit fees paid from the vault;
 * - is now: the buffer (trETH's balance), the vault, the withdrawal queue, the beacon chain, and
 *   what claimants were paid (`WithdrawalClaimed`).
 *
 * Came in - left - is now must be 0 wei. Then: every report's rate equals an independent
 * computation (`expected.ts`), no ticket is paid twice, and every loss was charged to its
 * operator's bond before any of it reached the holders.
 */
import type { Deployment } from "@tributary/sdk";
import {
  accountingAbi,
  depositContractAbi,
  operatorRegistryAbi,
  trETHAbi,
  withdrawalQueueAbi,
  withdrawalVaultAbi,
} from "@tributary/sdk/abis";
import { type Address, formatEther, type Hex, type PublicClient, toHex } from "viem";
import { type ExpectedNetwork, expectedReport } from "./expected.js";

const GWEI = 10n ** 9n;

export interface AccountingInput {
  beaconUrl: string;
  publicClient: PublicClient;
  deployment: Deployment;
  depositContract: Address;
  /** The EVM block and the beacon state (an id the Beacon API takes) read together. */
  blockNumber: bigint;
  stateId: string;
  /** Wei the beacon blocks up to that state withdrew to the vault. */
  withdrawalsToVault: bigint;
  /** Reports already checked by `checkRates`, by reference slot. */
  checkedRates?: Map<number, RateCheck>;
}

export interface Row {
  label: string;
  wei: bigint;
}

export interface RateCheck {
  refSlot: number;
  contract: bigint;
  independent: bigint | null;
  note?: string;
}

export interface AccountingResult {
  cameIn: Row[];
  left: Row[];
  isNow: Row[];
  /** Came in - left - is now, wei. */
  unaccounted: bigint;
  rates: RateCheck[];
  problems: string[];
  pass: boolean;
}

function littleEndianGwei(amount: Hex): bigint {
  const bytes = amount.slice(2).match(/../g) ?? [];
  return BigInt(`0x${bytes.reverse().join("") || "0"}`) * GWEI;
}

async function beacon<T>(url: string, path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${url}${path}`, init);
  if (!res.ok) throw new Error(`Beacon API ${path}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: T }).data;
}

/** Wei of priority fees paid to `recipient` in blocks `from`..`to` (base fees are burned). */
async function priorityFeesTo(
  client: PublicClient,
  recipient: Address,
  from: bigint,
  to: bigint,
): Promise<bigint> {
  let total = 0n;
  const numbers: bigint[] = [];
  for (let n = from; n <= to; n++) numbers.push(n);
  for (let i = 0; i < numbers.length; i += 50) {
    const blocks = await Promise.all(
      numbers.slice(i, i + 50).map((n) => client.getBlock({ blockNumber: n })),
    );
    for (const block of blocks) {
      if (block.miner.toLowerCase() !== recipient.toLowerCase() || block.transactions.length === 0) continue;
      const receipts = (await client.request({
        method: "eth_getBlockReceipts",
        params: [toHex(block.number)],
      } as never)) as { gasUsed: Hex; effectiveGasPrice: Hex }[];
      const baseFee = block.baseFeePerGas ?? 0n;
      for (const r of receipts) total += BigInt(r.gasUsed) * (BigInt(r.effectiveGasPrice) - baseFee);
    }
  }
  return total;
}

export async function checkAccounting(input: AccountingInput): Promise<AccountingResult> {
  const { publicClient: client, deployment, blockNumber } = input;
  const c = deployment.contracts;
  const fromBlock = BigInt(deployment.startBlock ?? 0);
  const range = { fromBlock, toBlock: blockNumber, strict: true } as const;
  const problems: string[] = [];

  // Came in.
  const stakes = await client.getContractEvents({
    address: c.token,
    abi: trETHAbi,
    eventName: "Deposit",
    ...range,
  });
  const staked = stakes.reduce((sum, e) => sum + e.args.assets, 0n);
  const vaultCredentials = `0x01${"00".repeat(11)}${c.withdrawalVault.slice(2)}`.toLowerCase();
  const deposits = (
    await client.getContractEvents({
      address: input.depositContract,
      abi: depositContractAbi,
      eventName: "DepositEvent",
      ...range,
    })
  ).filter((e) => e.args.withdrawal_credentials.toLowerCase() === vaultCredentials);
  const deposited = deposits.reduce((sum, e) => sum + littleEndianGwei(e.args.amount), 0n);
  const pubkeys = [...new Set(deposits.map((e) => e.args.pubkey.toLowerCase()))];
  let onBeacon = 0n;
  if (pubkeys.length > 0) {
    const validators = await beacon<{ balance: string }[]>(
      input.beaconUrl,
      `/eth/v1/beacon/states/${input.stateId}/validators`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ids: pubkeys }),
      },
    );
    for (const v of validators) onBeacon += BigInt(v.balance) * GWEI;
    const pending = await beacon<{ pubkey: string; amount: string }[]>(
      input.beaconUrl,
      `/eth/v1/beacon/states/${input.stateId}/pending_deposits`,
    );
    const ours = new Set(pubkeys);
    for (const p of pending) if (ours.has(p.pubkey.toLowerCase())) onBeacon += BigInt(p.amount) * GWEI;
  }
  const clNet = onBeacon + input.withdrawalsToVault - deposited;
  const elRewards = await priorityFeesTo(client, c.withdrawalVault, fromBlock, blockNumber);

  // Left.
  const exitFees = (
    await client.getContractEvents({
      address: c.withdrawalVault,
      abi: withdrawalVaultAbi,
      eventName: "ExitRequested",
      ...range,
    })
  ).reduce((sum, e) => sum + e.args.fee, 0n);

  // Is now.
  const at = { blockNumber };
  const [buffer, vault, queue] = await Promise.all([
    client.getBalance({ address: c.token, ...at }),
    client.getBalance({ address: c.withdrawalVault, ...at }),
    client.getBalance({ address: c.withdrawalQueue, ...at }),
  ]);
  const claims = await client.getContractEvents({
    address: c.withdrawalQueue,
    abi: withdrawalQueueAbi,
    eventName: "WithdrawalClaimed",
    ...range,
  });
  const paid = claims.reduce((sum, e) => sum + e.args.assets, 0n);

  const cameIn: Row[] = [
    { label: `stakes and bonds (${stakes.length} trETH Deposit events)`, wei: staked },
    { label: "consensus-layer rewards net of penalties (Beacon API)", wei: clNet },
    { label: "execution-layer rewards (priority fees to the vault)", wei: elRewards },
  ];
  const left: Row[] = [{ label: "EIP-7002 exit fees paid from the vault", wei: exitFees }];
  const isNow: Row[] = [
    { label: "buffer (trETH's balance)", wei: buffer },
    { label: "withdrawal vault", wei: vault },
    { label: "withdrawal queue contract", wei: queue },
    { label: `beacon chain (${pubkeys.length} validators' balances and pending deposits)`, wei: onBeacon },
    { label: `paid to claimants (${claims.length} claims)`, wei: paid },
  ];
  const sum = (rows: Row[]) => rows.reduce((s, r) => s + r.wei, 0n);
  const unaccounted = sum(cameIn) - sum(left) - sum(isNow);
  if (unaccounted !== 0n) problems.push(`${unaccounted} wei unaccounted for`);

  // No ticket paid twice, none paid before its finalization.
  const lastFinalized = await client.readContract({
    address: c.withdrawalQueue,
    abi: withdrawalQueueAbi,
    functionName: "lastFinalizedRequestId",
    ...at,
  });
  const seen = new Set<bigint>();
  for (const e of claims) {
    if (seen.has(e.args.requestId)) problems.push(`request ${e.args.requestId} was paid twice`);
    seen.add(e.args.requestId);
    if (e.args.requestId > lastFinalized)
      problems.push(`request ${e.args.requestId} paid before its finalization`);
  }

  // Bonds before holders: a loss is covered by the bond up to the bond's value, and only the rest is debt.
  const losses = await client.getContractEvents({
    address: c.operatorRegistry,
    abi: operatorRegistryAbi,
    eventName: "LossCharged",
    ...range,
  });
  for (const e of losses) {
    const { operatorId, amount, covered, debt } = e.args;
    if (covered + debt !== amount)
      problems.push(`operator ${operatorId}: loss ${amount} != covered ${covered} + debt ${debt}`);
    if (debt > 0n) {
      const before = await client.readContract({
        address: c.operatorRegistry,
        abi: operatorRegistryAbi,
        functionName: "bondValue",
        args: [operatorId],
        blockNumber: e.blockNumber - 1n,
      });
      // Converting the bond's shares to wei rounds down: a few wei of slack, no more.
      if (covered + 10n < before)
        problems.push(
          `operator ${operatorId}: ${formatEther(debt)} ETH of debt while its bond held ${formatEther(before)} ETH and covered ${formatEther(covered)} ETH`,
        );
    }
  }

  // Each report's rate against an independent computation (those checked while the run went on,
  // when the beacon node still had the states, are kept).
  const rates = await checkRates(
    { beaconUrl: input.beaconUrl, publicClient: client, deployment },
    blockNumber,
    input.checkedRates ?? new Map(),
  );
  for (const rate of rates) {
    if (rate.independent === null)
      problems.push(`report ${rate.refSlot}: no independent rate (${rate.note})`);
    else if (rate.independent !== rate.contract)
      problems.push(
        `report ${rate.refSlot}: rate ${rate.contract} on chain, ${rate.independent} computed independently`,
      );
  }
  return { cameIn, left, isNow, unaccounted, rates, problems, pass: problems.length === 0 };
}

/** The check as a table of wei and ETH, then the rate checks and the problems found. */
export function accountingTable(r: AccountingResult): string {
  const width = 64;
  const line = (label: string, wei: bigint) =>
    `  ${label.padEnd(width)} ${wei.toString().padStart(26)}  ${formatEther(wei).padStart(24)} ETH`;
  const out = [`  ${"".padEnd(width)} ${"wei".padStart(26)}  ${"".padStart(24)}`];
  out.push("  came in");
  for (const row of r.cameIn) out.push(line(`  ${row.label}`, row.wei));
  out.push("  left");
  for (const row of r.left) out.push(line(`  ${row.label}`, row.wei));
  out.push("  is now");
  for (const row of r.isNow) out.push(line(`  ${row.label}`, row.wei));
  out.push(line("unaccounted (came in - left - is now)", r.unaccounted));
  out.push("  rate after each report (wei per share x 1e27): on chain / independent");
  for (const rate of r.rates)
    out.push(
      `    ref slot ${String(rate.refSlot).padStart(5)}  ${rate.contract} / ${rate.independent ?? `n/a (${rate.note})`}  ${
        rate.independent === rate.contract ? "equal" : "DIFFERENT"
      }`,
    );
  out.push(r.pass ? "  every check holds" : `  FAILED: ${r.problems.join("; ")}`);
  return out.join("\n");
}

/**
 * Each report applied up to `toBlock` against the independent computation of its share rate. The
 * computation needs the beacon states of the report's reference slot and the one before, which a
 * node keeps for a limited time (and not across a restart): a run checks each report soon after
 * it is applied, and `known` keeps the results.
 */
export async function checkRates(
  net: ExpectedNetwork,
  toBlock: bigint,
  known: Map<number, RateCheck>,
): Promise<RateCheck[]> {
  const { publicClient: client, deployment } = net;
  const c = deployment.contracts;
  const range = { fromBlock: BigInt(deployment.startBlock ?? 0), toBlock, strict: true } as const;
  const reports = await client.getContractEvents({
    address: c.accounting,
    abi: accountingAbi,
    eventName: "ReportApplied",
    ...range,
  });
  if (reports.every((r) => known.has(Number(r.args.refSlot))))
    return reports.map((r) => known.get(Number(r.args.refSlot)) as RateCheck);
  const [keyEvents, losses, deferred] = await Promise.all([
    client.getContractEvents({
      address: c.operatorRegistry,
      abi: operatorRegistryAbi,
      eventName: "KeyAdded",
      ...range,
    }),
    client.getContractEvents({
      address: c.operatorRegistry,
      abi: operatorRegistryAbi,
      eventName: "LossCharged",
      ...range,
    }),
    client.getContractEvents({
      address: c.accounting,
      abi: accountingAbi,
      eventName: "DeferredBurnApplied",
      ...range,
    }),
  ]);
  const keys = keyEvents.map((e) => ({ pubkey: e.args.pubkey, operatorId: Number(e.args.operatorId) }));
  const out: RateCheck[] = [];
  let lastRefSlot = 0;
  for (const report of reports) {
    const refSlot = Number(report.args.refSlot);
    const done = known.get(refSlot);
    if (done) {
      out.push(done);
      lastRefSlot = refSlot;
      continue;
    }
    const inTx = <T extends { transactionHash: string }>(list: T[]) =>
      list.filter((e) => e.transactionHash === report.transactionHash);
    const burned =
      inTx(losses).reduce((s, l) => s + l.args.sharesBurned, 0n) +
      inTx(deferred).reduce((s, d) => s + d.args.shares, 0n);
    let check: RateCheck;
    try {
      const expected = await expectedReport(net, {
        refSlot,
        lastRefSlot,
        appliedBlock: report.blockNumber,
        keys,
        burnedShares: burned,
      });
      check = { refSlot, contract: report.args.shareRate, independent: expected.shareRate };
    } catch (error) {
      // A state the node no longer keeps: said, not hidden.
      check = { refSlot, contract: report.args.shareRate, independent: null, note: (error as Error).message };
    }
    // A failure is tried again on the next call (a beacon node restarting answers later).
    if (check.independent !== null) known.set(refSlot, check);
    out.push(check);
    lastRefSlot = refSlot;
  }
  return out;
}
