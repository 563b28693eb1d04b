import { type Abi, type Address, encodeFunctionData, type Hex, parseEther, zeroHash } from "viem";
import { loadArtifact } from "../../lib/artifacts.js";
import { type LocalProtocol, startLocalProtocol } from "../../lib/bench.js";
import { DEV_ROLES, devAccount } from "../../lib/devkeys.js";

/** Dev account that stands in for the accounting module (anvil funds accounts 0-9). */
export const BENCH_ACCOUNTING_INDEX = 9;
/** 1e27: share rates are wei per share scaled by 1e27. */
const RATE_PRECISION = 10n ** 27n;
/** Gas limit for benchmark transactions, so that none waits for an estimate. */
const TX_GAS = 1_000_000n;

type Wallet = ReturnType<LocalProtocol["wallet"]>;

async function send(
  local: LocalProtocol,
  wallet: Wallet,
  address: Address,
  abi: Abi,
  functionName: string,
  args: unknown[],
  value?: bigint,
): Promise<bigint> {
  const hash = await wallet.writeContract({
    address,
    abi,
    functionName,
    args,
    value,
    gas: TX_GAS,
    chain: undefined,
  } as never);
  return local.gasOf(hash as Hex);
}

/**
 * Points trETH's accounting module at `accounting` through the timelock (the deployer proposes and
 * executes on development deployments, with no delay).
 */
export async function setAccountingModule(local: LocalProtocol, accounting: Address): Promise<void> {
  const { token, timelock } = local.deployment.contracts;
  const trETH = loadArtifact("TrETH").abi;
  const timelockAbi = loadArtifact("TributaryTimelock").abi;
  const modules = (await local.publicClient.readContract({
    address: token,
    abi: trETH,
    functionName: "modules",
  })) as { depositor: Address; accounting: Address; withdrawalQueue: Address };
  const data = encodeFunctionData({
    abi: trETH,
    functionName: "setModules",
    args: [{ ...modules, accounting }],
  });
  const deployer = local.wallet(DEV_ROLES.deployer);
  await send(local, deployer, timelock, timelockAbi, "schedule", [token, 0n, data, zeroHash, zeroHash, 0n]);
  await send(local, deployer, timelock, timelockAbi, "execute", [token, 0n, data, zeroHash, zeroHash]);
}

/** The rate the accounting module would report now: convertToAssets(1e27). */
async function currentRate(local: LocalProtocol): Promise<bigint> {
  return (await local.publicClient.readContract({
    address: local.deployment.contracts.token,
    abi: loadArtifact("TrETH").abi,
    functionName: "convertToAssets",
    args: [RATE_PRECISION],
  })) as bigint;
}

/** The queue's part of a report (onReport, then finalize up to `lastRequestId`): gas of each call. */
async function reportAndFinalize(
  local: LocalProtocol,
  lastRequestId: bigint,
): Promise<{ onReport: bigint; finalize: bigint }> {
  const queue = local.deployment.contracts.withdrawalQueue;
  const queueAbi = loadArtifact("WithdrawalQueue").abi;
  const accounting = local.wallet(BENCH_ACCOUNTING_INDEX);
  const rate = await currentRate(local);
  const onReport = await send(local, accounting, queue, queueAbi, "onReport", [rate]);
  const finalize = await send(local, accounting, queue, queueAbi, "finalize", [lastRequestId, rate]);
  return { onReport, finalize };
}

/**
 * Request and claim figures on an existing deployment: `request_first` (a holder's first request),
 * `request_next` (the same holder's next request), `claim` (a finalized ticket paid in ETH, no hint)
 * and `claim_search` (the same, for a ticket whose batch the claim must search for).
 * Points the accounting module at a dev account to finalize.
 */
export async function measureWithdrawalGas(
  local: LocalProtocol,
  holderIndex: number,
): Promise<Record<string, number>> {
  const { token, withdrawalQueue } = local.deployment.contracts;
  const trETH = loadArtifact("TrETH").abi;
  const queueAbi = loadArtifact("WithdrawalQueue").abi;
  const holder = local.wallet(holderIndex);
  const me = holder.account.address;
  await setAccountingModule(local, devAccount(BENCH_ACCOUNTING_INDEX).address);
  // The holder already has trETH (a staker) but has never requested.
  await send(local, holder, token, trETH, "stake", [me], parseEther("1"));
  const gas: Record<string, number> = {};
  gas.request_first = Number(
    await send(local, holder, token, trETH, "requestRedeem", [parseEther("0.3"), me, me]),
  );
  gas.request_next = Number(
    await send(local, holder, token, trETH, "requestRedeem", [parseEther("0.3"), me, me]),
  );
  const last = (await local.publicClient.readContract({
    address: withdrawalQueue,
    abi: queueAbi,
    functionName: "lastRequestId",
  })) as bigint;
  gas.on_report = Number((await reportAndFinalize(local, last)).onReport);
  gas.claim = Number(await send(local, holder, withdrawalQueue, queueAbi, "claim", [last - 1n, me, false]));
  gas.ticket_transfer = Number(
    await send(local, holder, withdrawalQueue, queueAbi, "transferFrom", [
      me,
      devAccount(DEV_ROLES.firstUser).address,
      last,
    ]),
  );
  gas.claim_search = Number(await measureClaimSearch(local, holder));
  return gas;
}

/**
 * A claim (ETH, no hint) of a ticket whose window was finalized two reports after it closed: the
 * record right after its window holds no batch, so the claim searches the records for it.
 */
async function measureClaimSearch(local: LocalProtocol, holder: Wallet): Promise<bigint> {
  const { token, withdrawalQueue } = local.deployment.contracts;
  const trETH = loadArtifact("TrETH").abi;
  const queueAbi = loadArtifact("WithdrawalQueue").abi;
  const accounting = local.wallet(BENCH_ACCOUNTING_INDEX);
  const me = holder.account.address;
  const lastRequestId = async () =>
    (await local.publicClient.readContract({
      address: withdrawalQueue,
      abi: queueAbi,
      functionName: "lastRequestId",
    })) as bigint;
  await send(local, holder, token, trETH, "requestRedeem", [parseEther("0.1"), me, me]);
  const ticket = await lastRequestId();
  // Each report sees a request since the last one, so each opens a record.
  await send(local, accounting, withdrawalQueue, queueAbi, "onReport", [await currentRate(local)]);
  await send(local, holder, token, trETH, "requestRedeem", [parseEther("0.1"), me, me]);
  await send(local, accounting, withdrawalQueue, queueAbi, "onReport", [await currentRate(local)]);
  await reportAndFinalize(local, await lastRequestId());
  return send(local, holder, withdrawalQueue, queueAbi, "claim", [ticket, me, false]);
}

/**
 * Gas of the `finalize` call of a report that finalizes `count` requests (one holder, one report
 * window), for each count on a fresh deployment. Keys `finalize_<count>`. It must be flat in the
 * number of requests (see `isFlat`).
 */
export async function measureFinalizeGas(
  counts: readonly number[] = [1, 500],
): Promise<Record<string, number>> {
  const gas: Record<string, number> = {};
  for (const count of counts) {
    const local = await startLocalProtocol();
    try {
      const { token } = local.deployment.contracts;
      const trETH = loadArtifact("TrETH").abi;
      await setAccountingModule(local, devAccount(BENCH_ACCOUNTING_INDEX).address);
      const holder = local.wallet(DEV_ROLES.firstUser);
      const me = holder.account.address;
      await send(local, holder, token, trETH, "stake", [me], parseEther("10"));
      for (let i = 0; i < count; i++) {
        await send(local, holder, token, trETH, "requestRedeem", [parseEther("0.01"), me, me]);
      }
      gas[`finalize_${count}`] = Number((await reportAndFinalize(local, BigInt(count))).finalize);
    } finally {
      await local.stop();
    }
  }
  return gas;
}

/** Finalizing many requests costs within `tolerance` (default 5%) of finalizing one. */
export function isFlat(gas: Record<string, number>, tolerance = 0.05): boolean {
  const figures = Object.entries(gas)
    .filter(([key]) => key.startsWith("finalize_"))
    .map(([, value]) => value);
  if (figures.length < 2) return true;
  return Math.max(...figures) <= Math.min(...figures) * (1 + tolerance);
}
