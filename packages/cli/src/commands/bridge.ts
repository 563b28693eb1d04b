import {
  bridgeTrETH,
  type CrosschainDeployment,
  estimateBridgeTrETHGas,
  getMessageStatus,
  type MessageStatus,
  simulateBridgeTrETH,
} from "@tributary/sdk";
import { trETHAbi } from "@tributary/sdk/abis";
import { type Address, createPublicClient, http, type PublicClient } from "viem";
import { refused, usageError } from "../exit.js";
import { formatEth } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseAddress, parseAmount } from "../parse.js";
import { withSpinner } from "../prompt.js";
import { connectSignerAny, execute, inclusionWords, transactionJson } from "../transaction.js";

type BridgeOptions = GlobalOptions & { to?: string; wait?: boolean; waitSeconds?: string };

const NO_CROSSCHAIN =
  "No crosschain deployment is known: start the local network with `npm start -- --with-l2`, or pass --crosschain <file>.";

/**
 * `tributary bridge <trETH>`: sends trETH shares to the other side of the crosschain deployment
 * (from Ethereum to the remote chain, or back), after the SDK's checks (balance, the bridge's burn
 * limit, trETH naming the bridge). With --wait, follows the message on the destination chain until
 * the relayer committee has delivered it.
 */
export async function bridge(amountText: string, options: BridgeOptions): Promise<void> {
  const all = amountText.trim() === "all";
  const typed = all ? undefined : parseAmount(amountText, "amount", "trETH");
  const recipient = options.to === undefined ? undefined : parseAddress(options.to, "to");
  const waitSeconds = parseWaitSeconds(options.waitSeconds);
  const context = await connectSignerAny(options);
  const { wallet, account } = context;
  const crosschain = context.crosschain;
  if (!crosschain) throw (context.side === "home" && context.crosschainError) || refused(NO_CROSSCHAIN);
  const to = recipient ?? account.address;
  const amount =
    typed ??
    (await balanceOf(
      context.client,
      context.side === "home" ? crosschain.home.token : crosschain.remote.bridgedToken,
      account.address,
    ));
  if (amount === 0n) throw refused(`${account.address} holds no trETH on chain ${context.chain.id}.`);
  const parameters = { crosschain, amount, recipient: to };
  const { result: id, destinationChainId } = await simulateBridgeTrETH(wallet, parameters);
  const here = context.side === "home" ? crosschain.home : crosschain.remote;
  const sent = await execute(context, {
    description: `Bridge ${formatEth(amount)} trETH to chain ${destinationChainId}${to === account.address ? "" : `, received by ${to}`}.`,
    to: { name: "token bridge", address: here.tokenBridge },
    value: 0n,
    estimateGas: () => estimateBridgeTrETHGas(wallet, parameters),
    send: () => bridgeTrETH(wallet, parameters),
  });
  let delivery: MessageStatus | "timeout" | undefined;
  if (options.wait) delivery = await waitForDelivery(crosschain, destinationChainId, id, waitSeconds);
  const deliveryWords: Record<MessageStatus | "timeout", string> = {
    none: "",
    executed: ` Delivered: the shares arrived on chain ${destinationChainId}.`,
    failed: ` Delivered, but over chain ${destinationChainId}'s mint limit: it waits there and goes through by itself as the limit refills.`,
    timeout: ` Not delivered after ${waitSeconds} s: the relayers deliver it when they can; nothing needs sending again.`,
  };
  output(
    options,
    `Sent ${formatEth(amount)} trETH to chain ${destinationChainId} ${inclusionWords(sent)}; message ${id}.${
      delivery === undefined
        ? " The relayer committee delivers it (follow it with --wait)."
        : deliveryWords[delivery]
    }`,
    {
      action: "bridge",
      ...transactionJson(sent),
      amount,
      recipient: to,
      destinationChainId,
      messageId: id,
      ...(delivery === undefined ? {} : { delivery }),
    },
  );
}

function balanceOf(client: PublicClient, token: Address, owner: Address): Promise<bigint> {
  return client.readContract({ address: token, abi: trETHAbi, functionName: "balanceOf", args: [owner] });
}

function parseWaitSeconds(text: string | undefined): number {
  if (text === undefined) return 600;
  if (!/^\d+$/.test(text) || Number(text) === 0) {
    throw usageError(`--wait-seconds "${text}" is not a number of seconds: give a whole number such as 600.`);
  }
  return Number(text);
}

/** Polls the destination's message bridge until the message is delivered or `seconds` pass. */
async function waitForDelivery(
  crosschain: CrosschainDeployment,
  destinationChainId: number,
  id: `0x${string}`,
  seconds: number,
): Promise<MessageStatus | "timeout"> {
  const destination = crosschain.home.chainId === destinationChainId ? crosschain.home : crosschain.remote;
  if (!destination.rpcUrl) {
    throw usageError(
      `--wait needs chain ${destinationChainId}'s RPC URL, which the crosschain deployment does not record.`,
    );
  }
  const client = createPublicClient({ transport: http(destination.rpcUrl, { retryCount: 2 }) });
  const deadline = Date.now() + seconds * 1000;
  const poll = async (): Promise<MessageStatus | "timeout"> => {
    for (;;) {
      const status = await getMessageStatus(client, { crosschain, id });
      if (status !== "none") return status;
      if (Date.now() >= deadline) return "timeout";
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  };
  return withSpinner(`Waiting for the relayers to deliver ${id} on chain ${destinationChainId}`, poll());
}
