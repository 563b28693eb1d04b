import {
  estimateWaitingTime,
  getApr,
  getPosition,
  getRate,
  getRemotePosition,
  getStakeLimit,
  getWaitingTimeState,
  type WaitingTimeState,
} from "@tributary/sdk";
import { zeroAddress } from "viem";
import { connectAny, type RemoteContext } from "../context.js";
import { formatDuration, formatEth, formatPercent, formatTime } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseAddress } from "../parse.js";
import { subjectOf } from "./who.js";

type StatusOptions = GlobalOptions & { beaconUrl?: string };

const percentOr = (value: number | null, missing = "n/a") =>
  value === null ? missing : formatPercent(value);

/**
 * `tributary status [address]`: the position (trETH, its ETH value, voting power, tickets), the
 * rate, the APR with its method, the estimated wait of each pending ticket and the stake limit.
 * Reads go out together (JSON-RPC batching, multicall in the SDK), and what every waiting time
 * reads (the queue, buffer, vault, frame schedule: `getWaitingTimeState`) is read once for all
 * pending tickets, beside the position: four round trips with a pending ticket, the connection's
 * included.
 */
export async function status(addressText: string | undefined, options: StatusOptions): Promise<void> {
  // Check the address before connecting: a malformed one is a usage error whatever the node says.
  if (addressText !== undefined) parseAddress(addressText, "address");
  const context = await connectAny(options);
  if (context.side === "remote") return statusRemote(addressText, context, options);
  const { client, deployment } = context;
  const address = await subjectOf(addressText, context);
  const { beaconUrl } = options;
  const readState = () => getWaitingTimeState(client, { deployment, ...(beaconUrl ? { beaconUrl } : {}) });
  // Without a beacon node the state costs a few calls in the same round trips as the position:
  // read it beside it. A beacon node's reads are heavier: only once a pending ticket needs them.
  const early: Promise<WaitingTimeState> | undefined = beaconUrl ? undefined : readState();
  // Not needed when no ticket is pending: a failure then is not the command's.
  early?.catch(() => undefined);
  const [position, rate, apr, limit] = await Promise.all([
    getPosition(client, { address, deployment }),
    getRate(client, { deployment }),
    getApr(client, { deployment }),
    getStakeLimit(client, { deployment }),
  ]);
  const pending = position.tickets.filter((t) => t.status === "pending");
  let state = pending.length ? await (early ?? readState()) : undefined;
  // A ticket newer than the state's block (requested while the reads were out): read it again.
  if (state && pending.some((t) => t.requestId > (state as WaitingTimeState).lastRequestId)) {
    state = await readState();
  }
  const waits = await Promise.all(
    pending.map(async (ticket) => ({
      requestId: ticket.requestId,
      ...(await estimateWaitingTime(client, { requestId: ticket.requestId, deployment, state })),
    })),
  );
  const finalized = position.tickets.filter((t) => t.status === "finalized");
  const text = () => {
    const lines = [
      `${address}`,
      `  trETH          ${formatEth(position.shares)} (worth ${formatEth(position.assets)} ETH)`,
      `  voting power   ${formatEth(position.votes)} trETH (${position.delegate === zeroAddress ? "not delegated: `tributary delegate <your address>` to vote" : `delegated to ${position.delegate}`})`,
      `  tickets        ${pending.length} pending (${formatEth(position.pending)} ETH), ${finalized.length} claimable (${formatEth(position.claimable)} ETH)`,
      `Rate             1 trETH = ${formatEth(rate.ethPerTrETH)} ETH`,
      `APR              7-day ${percentOr(apr.apr7d)}, 30-day ${percentOr(apr.apr30d)}, since inception ${percentOr(apr.aprSinceInception)}`,
      `                 method: ${apr.method}`,
      `Stake limit      ${limit.paused ? "staking is paused" : limit.unlimited ? "none (no daily cap)" : `${formatEth(limit.available)} ETH can be staked now (daily cap ${formatEth(limit.dailyCap)} ETH, refilling over the day)`}`,
    ];
    if (waits.length) lines.push("Pending tickets");
    for (const wait of waits) {
      const ticket = pending.find((t) => t.requestId === wait.requestId);
      const range = Number.isFinite(wait.maxSeconds)
        ? `claimable in ${formatDuration(wait.minSeconds)} to ${formatDuration(wait.maxSeconds)} (${formatTime(wait.earliest)} to ${formatTime(wait.latest)})`
        : `claimable in ${formatDuration(wait.minSeconds)} at the earliest; no upper bound found from the data`;
      lines.push(`  #${wait.requestId}  ${formatEth(ticket?.assets ?? 0n)} ETH, ${range}`);
      for (const part of wait.basis) {
        lines.push(
          `      ${part.part}${part.seconds ? ` (+${formatDuration(part.seconds)})` : ""}: ${part.detail}`,
        );
      }
    }
    if (finalized.length) {
      lines.push(
        `Claimable: ${finalized.map((t) => `#${t.requestId}`).join(", ")} (\`tributary claim --all\`)`,
      );
    }
    return lines.join("\n");
  };
  output(options, text, { address, position, rate, apr, stakeLimit: limit, waits });
}

/**
 * `tributary --chain <remote> status [address]`: bridged trETH on the remote chain, its value at
 * the rate relayed from Ethereum (with that report's time and age), WETH held, and whether the
 * deposit pool mints now.
 */
async function statusRemote(
  addressText: string | undefined,
  context: RemoteContext,
  options: StatusOptions,
): Promise<void> {
  const { client, crosschain } = context;
  const address = await subjectOf(addressText, context);
  const position = await getRemotePosition(client, { crosschain, owner: address });
  const { rate } = position;
  const chainId = crosschain.remote.chainId;
  const text = () => {
    const age = `${formatDuration(Number(rate.age))} old`;
    const rateLine =
      rate.ethPerTrETH === 0n
        ? "none relayed yet"
        : `1 trETH = ${formatEth(rate.ethPerTrETH)} ETH, from the report of ${formatTime(rate.reportTime)} (${age}${rate.stale ? `, STALE: older than ${formatDuration(Number(rate.maxAge))}` : ""})`;
    return [
      `${address} on chain ${chainId} (trETH's remote chain; Ethereum is chain ${crosschain.home.chainId})`,
      `  trETH          ${formatEth(position.shares)} bridged (worth ${formatEth(position.assets)} ETH at the relayed rate)`,
      `  WETH           ${formatEth(position.weth)}`,
      `Relayed rate     ${rateLine}`,
      `Deposit pool     ${rate.depositsOpen ? `mints at the relayed rate minus a ${formatPercent(rate.depositFeeBps / 10_000)} fee` : `closed: it mints only on a rate at most ${formatDuration(Number(rate.depositMaxRateAge))} old`}`,
    ].join("\n");
  };
  output(options, text, { address, chainId, position });
}
