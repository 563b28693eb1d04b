/**
 * Gas of the crosschain paths, each in its own block on a local anvil with the protocol deployed:
 * - crosschain_mint / crosschain_burn: the bridged token's ERC-7802 mint to a new holder and burn
 *   from a holder who keeps a balance, by an authorised bridge (within its refilling limits);
 * - crosschain_mint_l1 / crosschain_burn_l1: the same calls on trETH itself (release from and lock
 *   into the bridge's account);
 * - remote_deposit: a WETH deposit into the remote deposit pool by a new holder, at a fresh
 *   relayed rate, with earlier deposits waiting for the next batch.
 */
import { messageTypedData, sentMessages } from "@tributary/sdk";
import { type Address, encodeFunctionData, type Hex, maxUint256, parseEther } from "viem";
import { loadArtifact } from "../../lib/artifacts.js";
import { startLocalProtocol } from "../../lib/bench.js";
import { deployRemoteSide, setCrosschainBridgeData, throughTimelock } from "../../lib/crosschain.js";
import { DEV_ROLES, devAccount } from "../../lib/devkeys.js";

const RELAYERS = [40, 41, 42];

export async function measureCrosschainGas(): Promise<Record<string, number>> {
  const local = await startLocalProtocol();
  try {
    const { token, weth, timelock } = local.deployment.contracts;
    const deployer = local.wallet(DEV_ROLES.deployer);
    const bridge = local.wallet(DEV_ROLES.firstUser + 3);
    const alice = local.wallet(DEV_ROLES.firstUser);
    const bob = local.wallet(DEV_ROLES.firstUser + 1);
    const carol = local.wallet(DEV_ROLES.firstUser + 2);
    const newHolder = devAccount(DEV_ROLES.firstUser + 20).address;
    const gas: Record<string, number> = {};
    const write = async (
      wallet: typeof alice,
      address: Address,
      name: Parameters<typeof loadArtifact>[0],
      fn: string,
      args: unknown[],
      value?: bigint,
    ) =>
      local.gasOf(
        await wallet.writeContract({
          address,
          abi: loadArtifact(name).abi,
          functionName: fn,
          args,
          value,
          chain: undefined,
        } as never),
      );
    const chainId = await local.publicClient.getChainId();

    // trETH: the bridge is an account here, so that the token's own cost is measured.
    await throughTimelock(
      deployer,
      local.publicClient,
      timelock,
      token,
      setCrosschainBridgeData(bridge.account.address),
      "bench bridge",
    );
    await write(alice, token, "TrETH", "stake", [alice.account.address], parseEther("2"));
    gas.crosschain_burn_l1 = Number(
      await write(bridge, token, "TrETH", "crosschainBurn", [alice.account.address, parseEther("1")]),
    );
    gas.crosschain_mint_l1 = Number(
      await write(bridge, token, "TrETH", "crosschainMint", [newHolder, parseEther("0.5")]),
    );

    // The remote side on the same chain (its home is this chain too: only gas is measured).
    const remote = await deployRemoteSide(deployer, local.publicClient, {
      weth,
      homeChainId: chainId,
      parameters: {
        relayers: RELAYERS.map((i) => devAccount(i).address),
        threshold: 2,
        reportPeriod: 86_400,
        maxChangeBps: 10,
        maxRateAge: 172_800,
        depositFeeBps: 10,
        bridgeLimit: parseEther("1000000"),
        depositLimit: parseEther("1000000"),
      },
    });
    await write(deployer, remote.bridgedToken, "BridgedTrETH", "setLimits", [
      bridge.account.address,
      parseEther("1000"),
      parseEther("1000"),
    ]);
    await write(bridge, remote.bridgedToken, "BridgedTrETH", "crosschainMint", [
      bob.account.address,
      parseEther("1"),
    ]);
    gas.crosschain_mint = Number(
      await write(bridge, remote.bridgedToken, "BridgedTrETH", "crosschainMint", [
        newHolder,
        parseEther("1"),
      ]),
    );
    gas.crosschain_burn = Number(
      await write(bridge, remote.bridgedToken, "BridgedTrETH", "crosschainBurn", [
        bob.account.address,
        parseEther("0.5"),
      ]),
    );

    // A rate, relayed: the deployer stands in for the rate sender, two relayers sign.
    await write(deployer, remote.rateReceiver, "RateReceiver", "setPeer", [
      BigInt(chainId),
      deployer.account.address,
    ]);
    const { timestamp } = await local.publicClient.getBlock();
    const hash = await deployer.writeContract({
      address: remote.messageBridge,
      abi: loadArtifact("MessageBridge").abi,
      functionName: "send",
      args: [
        BigInt(chainId),
        remote.rateReceiver,
        encodeFunctionData({
          abi: loadArtifact("RateReceiver").abi,
          functionName: "updateRate",
          args: [parseEther("1.01"), timestamp - 60n],
        } as never),
      ],
      chain: undefined,
    } as never);
    const receipt = await local.publicClient.waitForTransactionReceipt({ hash });
    const [sent] = sentMessages(receipt.logs);
    if (!sent) throw new Error("no MessageSent log");
    const signed: { signer: Address; signature: Hex }[] = [];
    for (const i of RELAYERS.slice(0, 2)) {
      const relayer = devAccount(i);
      signed.push({
        signer: relayer.address,
        signature: await relayer.signTypedData(messageTypedData(sent.message, remote.messageBridge)),
      });
    }
    signed.sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
    await write(deployer, remote.messageBridge, "MessageBridge", "execute", [
      sent.message,
      signed.map((s) => s.signature),
    ]);

    // Deposits: carol's first (the batch's first), then alice's as a new holder of bridged trETH.
    for (const w of [carol, alice]) {
      await write(w, weth, "WETH9", "deposit", [], parseEther("2"));
      await write(w, weth, "WETH9", "approve", [remote.depositPool, maxUint256]);
    }
    await write(carol, remote.depositPool, "RemoteDepositPool", "deposit", [
      parseEther("1"),
      carol.account.address,
    ]);
    gas.remote_deposit = Number(
      await write(alice, remote.depositPool, "RemoteDepositPool", "deposit", [
        parseEther("1"),
        alice.account.address,
      ]),
    );
    return gas;
  } finally {
    await local.stop();
  }
}
