/**
 * The crosschain scenario (`npm run scenario -- crosschain`), on the devnet with its remote chain:
 * trETH bridged there and back, staking from the remote chain, a report's higher rate followed
 * there, two of the three relayers down (no quorum): the remote rate goes stale and the deposit
 * pool stops minting; back up, everything catches up. It ends with the conservation invariant:
 * trETH shares locked on Ethereum for the bridge equal the bridged supply plus the shares in
 * flight (messages not executed yet, deposits not batched yet), to the wei, and the ETH Ethereum's
 * bridge paid for batches equals what the remote bridge holds.
 */
import {
  bridgedTrETHAbi,
  governanceRelayAbi,
  rateFeedAbi,
  rateReceiverAbi,
  remoteDepositPoolAbi,
  tokenBridgeAbi,
  trETHAbi,
  wethAbi,
} from "@tributary/sdk/abis";
import {
  type Address,
  createWalletClient,
  formatEther,
  http,
  maxUint256,
  numberToHex,
  parseEther,
} from "viem";
import { devAccount } from "../../../../contracts/lib/devkeys.js";
import { ACCOUNTS } from "../devnet.js";
import { BRIDGE_FLOAT } from "../l2.js";
import { type ScenarioContext, ScenarioFailure } from "./context.js";

const EPOCH = 32;

const REPORT_SLOTS = 3 * 4 * EPOCH;

export async function runCrosschain(ctx: ScenarioContext, reportAfter: (slot: number) => Promise<unknown>) {
  const l2 = ctx.devnet.l2;
  if (!l2) throw new ScenarioFailure("the devnet has no remote chain (--with-l2)");
  const { home, remote } = l2.crosschain;
  const remoteClient = l2.publicClient;
  const holder = ACCOUNTS.stakerBase + 1;
  const depositor = ACCOUNTS.stakerBase + 2;
  const h = devAccount(holder).address;
  const l1 = ctx.devnet.wallet(holder);
  const l2Wallet = (i: number) => createWalletClient({ account: devAccount(i), transport: http(l2.rpcUrl) });
  for (const i of [holder, depositor]) {
    await remoteClient.request({
      method: "anvil_setBalance",
      params: [devAccount(i).address, numberToHex(parseEther("1000"))],
    } as never);
  }
  const token = ctx.deployment.contracts.token;
  const read = {
    locked: () =>
      ctx.client.readContract({
        address: token,
        abi: trETHAbi,
        functionName: "balanceOf",
        args: [home.tokenBridge],
      }),
    supply: () =>
      remoteClient.readContract({
        address: remote.bridgedToken,
        abi: bridgedTrETHAbi,
        functionName: "totalSupply",
      }),
    remoteBalance: (a: Address) =>
      remoteClient.readContract({
        address: remote.bridgedToken,
        abi: bridgedTrETHAbi,
        functionName: "balanceOf",
        args: [a],
      }),
    unbatched: () =>
      remoteClient.readContract({
        address: remote.depositPool,
        abi: remoteDepositPoolAbi,
        functionName: "pendingShares",
      }),
    remoteRate: async () =>
      (
        await remoteClient.readContract({
          address: remote.rateReceiver,
          abi: rateReceiverAbi,
          functionName: "rate",
        })
      )[0],
    stale: () =>
      remoteClient.readContract({
        address: remote.rateReceiver,
        abi: rateReceiverAbi,
        functionName: "isStale",
      }),
    homeRate: async () =>
      (
        await ctx.client.readContract({
          address: home.rateFeed,
          abi: rateFeedAbi,
          functionName: "latestRoundData",
        })
      )[1],
  };
  const remoteSend = async (
    i: number,
    address: Address,
    abi: unknown,
    functionName: string,
    args: unknown[],
    value?: bigint,
  ) => {
    const hash = await l2Wallet(i).writeContract({
      address,
      abi,
      functionName,
      args,
      value,
      chain: undefined,
    } as never);
    const receipt = await remoteClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success")
      throw new ScenarioFailure(`${functionName} on the remote chain reverted (${hash})`);
  };

  // A holder with trETH on Ethereum, and reports that move the rate.
  await ctx.stake(holder, "40");
  await ctx.mark("deposit", "staked 40 ETH");

  // 1. To the remote chain and back.
  const out = parseEther("10") + 1n;
  await ctx.include(
    await l1.writeContract({
      address: home.tokenBridge,
      abi: tokenBridgeAbi,
      functionName: "bridge",
      args: [BigInt(remote.chainId), h, out],
    }),
    "bridge trETH to the remote chain",
  );
  await ctx.mark("deposit", `bridged ${formatEther(out)} trETH to chain ${remote.chainId}`);
  await ctx.waitFor(
    "the bridged trETH on the remote chain",
    async () => (await read.remoteBalance(h)) === out,
    {
      maxSlots: REPORT_SLOTS,
    },
  );
  ctx.expect(true, `${formatEther(out)} trETH arrived on the remote chain, to the wei`);
  const back = parseEther("3");
  await remoteSend(holder, remote.tokenBridge, tokenBridgeAbi, "bridge", [BigInt(home.chainId), h, back]);
  const before = await ctx.client.readContract({
    address: token,
    abi: trETHAbi,
    functionName: "balanceOf",
    args: [h],
  });
  await ctx.waitFor(
    "the trETH back on Ethereum",
    async () =>
      (await ctx.client.readContract({
        address: token,
        abi: trETHAbi,
        functionName: "balanceOf",
        args: [h],
      })) ===
      before + back,
    { maxSlots: REPORT_SLOTS },
  );
  ctx.expect(true, `${formatEther(back)} trETH came back to Ethereum`);

  // 2. Staking from the remote chain.
  await remoteSend(depositor, remote.weth, wethAbi, "deposit", [], parseEther("20"));
  await remoteSend(depositor, remote.weth, wethAbi, "approve", [remote.depositPool, maxUint256]);
  await remoteSend(depositor, remote.depositPool, remoteDepositPoolAbi, "deposit", [
    parseEther("5"),
    devAccount(depositor).address,
  ]);
  const minted = await read.remoteBalance(devAccount(depositor).address);
  ctx.expect(minted > 0n, `5 WETH staked on the remote chain minted ${formatEther(minted)} trETH at once`);
  await ctx.mark("deposit", "5 WETH staked from the remote chain");

  // 3. A report raises the rate; the remote feed follows.
  const rateBefore = await read.homeRate();
  await reportAfter(await ctx.head());
  await ctx.waitFor("a higher rate on Ethereum", async () => (await read.homeRate()) > rateBefore, {
    maxSlots: 3 * REPORT_SLOTS,
  });
  // Reports keep coming: the remote rate is compared with Ethereum's latest each time.
  await ctx.waitFor(
    "the remote rate following",
    async () => (await read.remoteRate()) === (await read.homeRate()),
    { maxSlots: REPORT_SLOTS },
  );
  const raised = await read.remoteRate();
  ctx.expect(
    raised > rateBefore,
    `the remote feed follows Ethereum's higher rate (${formatEther(raised)} ETH per trETH)`,
  );

  // 4. Two relayers down: no quorum. The rate ages past its bound and the pool stops minting.
  await ctx.stopProcess("relayer-0");
  await ctx.stopProcess("relayer-1");
  await ctx.mark("fault", "relayers 0 and 1 stopped (no quorum)");
  await ctx.waitFor("the remote rate stale", () => read.stale(), { maxSlots: 6 * REPORT_SLOTS });
  let refused = false;
  try {
    await remoteSend(depositor, remote.depositPool, remoteDepositPoolAbi, "deposit", [
      parseEther("1"),
      devAccount(depositor).address,
    ]);
  } catch (error) {
    refused = /RemoteDepositPoolStaleRate/.test(String((error as Error).message));
  }
  ctx.expect(refused, "the deposit pool refuses to mint on a stale rate");

  // 5. Back up: the rate catches up, the pool mints again.
  ctx.startProcess("relayer-0");
  ctx.startProcess("relayer-1");
  await ctx.mark("recover", "relayers 0 and 1 restarted");
  await ctx.waitFor(
    "the remote rate fresh again and equal to Ethereum's",
    async () => !(await read.stale()) && (await read.remoteRate()) === (await read.homeRate()),
    { maxSlots: 2 * REPORT_SLOTS },
  );
  ctx.expect(true, "the remote rate caught up with Ethereum's");
  await remoteSend(depositor, remote.depositPool, remoteDepositPoolAbi, "deposit", [
    parseEther("1"),
    devAccount(depositor).address,
  ]);
  ctx.expect(true, "the deposit pool mints again");

  // 6. Conservation, once the batches are staked and nothing is in flight.
  await ctx.waitFor(
    "every batch staked and every message executed",
    async () => (await read.unbatched()) === 0n && (await read.locked()) === (await read.supply()),
    { maxSlots: 2 * REPORT_SLOTS },
  );
  const [locked, supply] = [await read.locked(), await read.supply()];
  ctx.expect(
    locked === supply,
    `shares locked on Ethereum (${locked}) = bridged supply (${supply}) + 0 in flight, to the wei`,
  );
  // 7. The remote contracts answer to governance: the timelock's handover batch ran there.
  const owners = await Promise.all(
    [
      remote.bridgedToken,
      remote.messageBridge,
      remote.tokenBridge,
      remote.rateReceiver,
      remote.depositPool,
    ].map((address) =>
      remoteClient.readContract({ address, abi: governanceRelayAbi, functionName: "owner" }),
    ),
  );
  ctx.expect(
    owners.every((o) => o.toLowerCase() === remote.governanceRelay?.toLowerCase()),
    "every remote contract is owned by the governance relay (settings change only through the timelock)",
  );
  const floatPaid = BRIDGE_FLOAT - (await ctx.client.getBalance({ address: home.messageBridge }));
  const remoteHeld = await remoteClient.getBalance({ address: remote.messageBridge });
  ctx.expect(
    floatPaid === remoteHeld,
    `ETH paid for batches on Ethereum (${formatEther(floatPaid)}) = ETH the remote bridge holds`,
  );
}
