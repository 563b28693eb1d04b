/**
 * Deployment of the crosschain contracts: the home side (Ethereum: message bridge, token bridge in
 * front of trETH, rate sender, stake receiver) and a remote side (message bridge, bridged trETH at
 * the same address on every chain through the CREATE2 deployer, token bridge, rate receiver,
 * deposit pool), then the peers wired both ways. The relayer committee signs messages between them.
 */
import {
  type Account,
  type Address,
  type Chain,
  concatHex,
  encodeAbiParameters,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  keccak256,
  type PublicClient,
  stringToHex,
  type Transport,
  type WalletClient,
  zeroHash,
} from "viem";
import { type ContractName, loadArtifact } from "./artifacts.js";

type Wallet = WalletClient<Transport, Chain | undefined, Account>;

/** The CREATE2 deployer anvil (and most chains) has at this address (Arachnid's). */
export const CREATE2_DEPLOYER: Address = "0x4e59b44847b379578588920cA78FbF26c0B4956C";
/** Salt of the bridged token: the same on every chain, so is its address. */
export const BRIDGED_TOKEN_SALT: Hex = keccak256(stringToHex("tributary bridged trETH v1"));

export interface CrosschainParameters {
  relayers: readonly Address[];
  threshold: number;
  /** Seconds between reports on Ethereum (one oracle frame). */
  reportPeriod: number;
  /** Largest move of the relayed rate per report period, basis points. */
  maxChangeBps: number;
  /** Age beyond which the relayed rate is stale, seconds (the deposit pool's bound too). */
  maxRateAge: number;
  /** The deposit pool's fee, basis points. */
  depositFeeBps: number;
  /** Daily mint and burn limit of the token bridge on the remote chain, in shares. */
  bridgeLimit: bigint;
  /** Daily mint limit of the deposit pool, in shares. */
  depositLimit: bigint;
}

export interface HomeSide {
  chainId: number;
  /** Sends the timelock's batches of calls to the remote chain's relay. */
  governanceRelay: Address;
  messageBridge: Address;
  tokenBridge: Address;
  rateSender: Address;
  stakeReceiver: Address;
}

export interface RemoteSide {
  chainId: number;
  /** Runs governance's batches from Ethereum; owns the remote contracts once handed over. */
  governanceRelay: Address;
  messageBridge: Address;
  tokenBridge: Address;
  bridgedToken: Address;
  rateReceiver: Address;
  depositPool: Address;
  weth: Address;
}

async function deploy(
  wallet: Wallet,
  client: PublicClient,
  name: ContractName,
  args: unknown[],
): Promise<Address> {
  const { abi, bytecode } = loadArtifact(name);
  const hash = await wallet.deployContract({
    abi,
    bytecode,
    args,
    chain: wallet.chain,
    account: wallet.account,
  } as never);
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress)
    throw new Error(`deploying ${name} reverted (${hash})`);
  return receipt.contractAddress;
}

async function call(
  wallet: Wallet,
  client: PublicClient,
  name: ContractName,
  address: Address,
  functionName: string,
  args: unknown[],
): Promise<void> {
  const hash = await wallet.writeContract({
    address,
    abi: loadArtifact(name).abi,
    functionName,
    args,
    chain: wallet.chain,
    account: wallet.account,
  } as never);
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${name}.${functionName} reverted (${hash})`);
}

/** The bridged token's address on any chain: CREATE2 from the deployer, salt and `owner`. */
export function bridgedTokenAddress(owner: Address): Address {
  const { bytecode } = loadArtifact("BridgedTrETH");
  const init = concatHex([bytecode, encodeAbiParameters([{ type: "address" }], [owner])]);
  return getContractAddress({
    opcode: "CREATE2",
    from: CREATE2_DEPLOYER,
    salt: BRIDGED_TOKEN_SALT,
    bytecode: init,
  });
}

/** Deploys the bridged token through the CREATE2 deployer (or finds it there). */
export async function deployBridgedToken(
  wallet: Wallet,
  client: PublicClient,
  owner: Address,
): Promise<Address> {
  const address = bridgedTokenAddress(owner);
  if (await client.getCode({ address })) return address;
  if (!(await client.getCode({ address: CREATE2_DEPLOYER }))) {
    throw new Error(`no CREATE2 deployer at ${CREATE2_DEPLOYER} on chain ${await client.getChainId()}`);
  }
  const { bytecode } = loadArtifact("BridgedTrETH");
  const init = concatHex([bytecode, encodeAbiParameters([{ type: "address" }], [owner])]);
  const hash = await wallet.sendTransaction({
    to: CREATE2_DEPLOYER,
    data: concatHex([BRIDGED_TOKEN_SALT, init]),
    chain: wallet.chain,
    account: wallet.account,
  });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !(await client.getCode({ address }))) {
    throw new Error(`deploying BridgedTrETH through the CREATE2 deployer failed (${hash})`);
  }
  return address;
}

/** Ethereum's side, for trETH at `token` and its rate feed at `rateFeed`. */
export async function deployHomeSide(
  wallet: Wallet,
  client: PublicClient,
  options: { token: Address; rateFeed: Address; parameters: CrosschainParameters },
): Promise<HomeSide> {
  const owner = wallet.account.address;
  const { relayers, threshold } = options.parameters;
  const messageBridge = await deploy(wallet, client, "MessageBridge", [owner, relayers, BigInt(threshold)]);
  const tokenBridge = await deploy(wallet, client, "TokenBridge", [messageBridge, options.token, owner]);
  const rateSender = await deploy(wallet, client, "RateSender", [messageBridge, options.rateFeed, owner]);
  const stakeReceiver = await deploy(wallet, client, "RemoteStakeReceiver", [
    messageBridge,
    options.token,
    owner,
  ]);
  const governanceRelay = await deploy(wallet, client, "GovernanceRelay", [messageBridge, owner]);
  return {
    chainId: await client.getChainId(),
    governanceRelay,
    messageBridge,
    tokenBridge,
    rateSender,
    stakeReceiver,
  };
}

/** A remote chain's side, with its WETH at `weth`, staking back to `homeChainId`. */
export async function deployRemoteSide(
  wallet: Wallet,
  client: PublicClient,
  options: { weth: Address; homeChainId: number; parameters: CrosschainParameters },
): Promise<RemoteSide> {
  const owner = wallet.account.address;
  const p = options.parameters;
  const messageBridge = await deploy(wallet, client, "MessageBridge", [
    owner,
    p.relayers,
    BigInt(p.threshold),
  ]);
  const bridgedToken = await deployBridgedToken(wallet, client, owner);
  const tokenBridge = await deploy(wallet, client, "TokenBridge", [messageBridge, bridgedToken, owner]);
  const rateReceiver = await deploy(wallet, client, "RateReceiver", [
    messageBridge,
    owner,
    BigInt(p.reportPeriod),
    p.maxChangeBps,
    BigInt(p.maxRateAge),
  ]);
  const depositPool = await deploy(wallet, client, "RemoteDepositPool", [
    messageBridge,
    options.weth,
    bridgedToken,
    rateReceiver,
    BigInt(options.homeChainId),
    owner,
    p.depositFeeBps,
    BigInt(p.maxRateAge),
  ]);
  await call(wallet, client, "BridgedTrETH", bridgedToken, "setLimits", [
    tokenBridge,
    p.bridgeLimit,
    p.bridgeLimit,
  ]);
  await call(wallet, client, "BridgedTrETH", bridgedToken, "setLimits", [depositPool, p.depositLimit, 0n]);
  const governanceRelay = await deploy(wallet, client, "GovernanceRelay", [messageBridge, owner]);
  return {
    chainId: await client.getChainId(),
    governanceRelay,
    messageBridge,
    tokenBridge,
    bridgedToken,
    rateReceiver,
    depositPool,
    weth: options.weth,
  };
}

/** Wires the peers both ways (each side's owner wallet on its chain). */
export async function connectSides(
  home: { wallet: Wallet; client: PublicClient; side: HomeSide },
  remote: { wallet: Wallet; client: PublicClient; side: RemoteSide },
): Promise<void> {
  const h = home.side;
  const r = remote.side;
  const pairs: [Wallet, PublicClient, ContractName, Address, number, Address][] = [
    [home.wallet, home.client, "TokenBridge", h.tokenBridge, r.chainId, r.tokenBridge],
    [home.wallet, home.client, "RateSender", h.rateSender, r.chainId, r.rateReceiver],
    [home.wallet, home.client, "RemoteStakeReceiver", h.stakeReceiver, r.chainId, r.depositPool],
    [home.wallet, home.client, "GovernanceRelay", h.governanceRelay, r.chainId, r.governanceRelay],
    [remote.wallet, remote.client, "TokenBridge", r.tokenBridge, h.chainId, h.tokenBridge],
    [remote.wallet, remote.client, "RateReceiver", r.rateReceiver, h.chainId, h.rateSender],
    [remote.wallet, remote.client, "RemoteDepositPool", r.depositPool, h.chainId, h.stakeReceiver],
    [remote.wallet, remote.client, "GovernanceRelay", r.governanceRelay, h.chainId, h.governanceRelay],
  ];
  for (const [wallet, client, name, address, chainId, peer] of pairs) {
    await call(wallet, client, name, address, "setPeer", [BigInt(chainId), peer]);
  }
}

/** Calldata of `trETH.setCrosschainBridge(bridge)`, for governance (the timelock) to execute. */
export function setCrosschainBridgeData(bridge: Address): Hex {
  return encodeFunctionData({
    abi: loadArtifact("TrETH").abi,
    functionName: "setCrosschainBridge",
    args: [bridge],
  } as never);
}

/** Executes `data` on `target` through the timelock with the development admin (zero delay). */
export async function throughTimelock(
  wallet: Wallet,
  client: PublicClient,
  timelock: Address,
  target: Address,
  data: Hex,
  label: string,
): Promise<void> {
  await throughTimelockBatch(wallet, client, timelock, [{ target, data }], label);
}

/** Schedules and executes `calls` as one timelock operation (development admin, no delay). */
export async function throughTimelockBatch(
  wallet: Wallet,
  client: PublicClient,
  timelock: Address,
  calls: { target: Address; data: Hex }[],
  label: string,
): Promise<void> {
  const salt = keccak256(stringToHex(label));
  const targets = calls.map((c) => c.target);
  const values = calls.map(() => 0n);
  const payloads = calls.map((c) => c.data);
  await call(wallet, client, "TributaryTimelock", timelock, "scheduleBatch", [
    targets,
    values,
    payloads,
    zeroHash,
    salt,
    0n,
  ]);
  await call(wallet, client, "TributaryTimelock", timelock, "executeBatch", [
    targets,
    values,
    payloads,
    zeroHash,
    salt,
  ]);
}

const ACCEPT_OWNERSHIP: Hex = encodeFunctionData({
  abi: loadArtifact("GovernanceRelay").abi,
  functionName: "acceptOwnership",
} as never);

/**
 * Hands both sides to governance. On Ethereum the timelock accepts every crosschain contract; on
 * the remote chain each is offered to its governance relay, and the same timelock operation
 * relays the batch that accepts them there: once the relayers deliver it, a remote setting changes
 * only through a passed proposal, like one on Ethereum.
 */
export async function handOverToGovernance(
  home: { wallet: Wallet; client: PublicClient; side: HomeSide },
  remote: { wallet: Wallet; client: PublicClient; side: RemoteSide },
  timelock: Address,
): Promise<void> {
  const h = home.side;
  const r = remote.side;
  const homeOwned: [ContractName, Address][] = [
    ["MessageBridge", h.messageBridge],
    ["TokenBridge", h.tokenBridge],
    ["RateSender", h.rateSender],
    ["RemoteStakeReceiver", h.stakeReceiver],
    ["GovernanceRelay", h.governanceRelay],
  ];
  const remoteOwned: [ContractName, Address][] = [
    ["MessageBridge", r.messageBridge],
    ["TokenBridge", r.tokenBridge],
    ["BridgedTrETH", r.bridgedToken],
    ["RateReceiver", r.rateReceiver],
    ["RemoteDepositPool", r.depositPool],
    ["GovernanceRelay", r.governanceRelay],
  ];
  for (const [name, address] of homeOwned) {
    await call(home.wallet, home.client, name, address, "transferOwnership", [timelock]);
  }
  for (const [name, address] of remoteOwned) {
    await call(remote.wallet, remote.client, name, address, "transferOwnership", [r.governanceRelay]);
  }
  const relay = encodeFunctionData({
    abi: loadArtifact("GovernanceRelay").abi,
    functionName: "relay",
    args: [BigInt(r.chainId), remoteOwned.map(([, target]) => ({ target, data: ACCEPT_OWNERSHIP }))],
  } as never);
  await throughTimelockBatch(
    home.wallet,
    home.client,
    timelock,
    [
      ...homeOwned.map(([, target]) => ({ target, data: ACCEPT_OWNERSHIP })),
      { target: h.governanceRelay, data: relay },
    ],
    `crosschain handover ${r.chainId}`,
  );
}
