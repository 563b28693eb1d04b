import type { Deployment, DeploymentContracts as ProtocolAddresses } from "@tributary/sdk";
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  type Hash,
  type Hex,
  keccak256,
  type PublicClient,
  parseEther,
  stringToHex,
  type Transport,
  type WalletClient,
  zeroAddress,
  zeroHash,
} from "viem";
import { type ContractName, loadArtifact } from "./artifacts.js";
import { LIMIT_PRESETS, type LimitPreset } from "./limits.js";

/** The canonical beacon deposit contract on Ethereum mainnet, Holesky, Sepolia and Hoodi predeploys differ; pass yours. */
export const MAINNET_DEPOSIT_CONTRACT: Address = "0x00000000219ab540356cBB839Cbe05303d7705Fa";

export interface DeployOptions {
  /** Signs every deployment transaction. Its nonce must not be used by anyone else meanwhile. */
  wallet: WalletClient<Transport, Chain | undefined, Account>;
  publicClient: PublicClient;
  /** Guardian committee (vets keys, signs deposit roots) and its quorum (a majority). */
  guardians: Address[];
  guardianQuorum: number;
  /** Timelock delay in seconds: 0 on development chains, days on public ones. */
  timelockDelay: bigint;
  /**
   * Hand-over. Once deployed, the timelock owns every parameter, role and upgrade, only the
   * Governor proposes to it (and cancels), and the deployer holds nothing: no role, no module.
   * With `devAdmin` (development chains only), the deployer ALSO proposes, cancels and executes
   * on the timelock, so that scripts change parameters without a vote. Default false.
   */
  devAdmin?: boolean;
  /**
   * Who executes a ready operation: false (default) the Governor only (its `execute`, which anyone
   * may call for a passed proposal); true anyone (EXECUTOR_ROLE to the zero address).
   */
  openExecution?: boolean;
  /**
   * May pause staking, deposits and withdrawals, nothing else; zeroAddress for none (only the
   * timelock pauses). Required unless `devAdmin`, where it defaults to the deployer.
   */
  emergencyCommittee?: Address;
  /** Existing beacon deposit contract; deployed from source when absent. */
  depositContract?: Address;
  /** Existing WETH; a WETH9 is deployed when absent. */
  weth?: Address;
  /** Refilling daily stake cap in wei (0 = none). Default 150,000 ETH. */
  dailyStakeCap?: bigint;
  /** Largest share of validators one operator may reach, in basis points. Default 10,000 (no cap). */
  maxOperatorShareBps?: bigint;
  /** ETH staked at deployment for shares no one owns (dead shares). Default DEFAULT_SEED. */
  seed?: bigint;
  /** Oracle committee and its frames. Default: no members yet, local chain shape (see OracleOptions). */
  oracle?: OracleOptions;
  /** Receives the treasury fee (trETH). Default: the timelock. */
  treasury?: Address;
  /**
   * Sanity limits preset of the accounting module (see `LIMIT_PRESETS`). Default "mainnet", which
   * the constructor sets. Another preset is set through the timelock at once, so it needs
   * `devAdmin` and a zero timelock delay: a local chain's, never a public one's.
   */
  limits?: LimitPreset;
  /**
   * Governor settings. Default: 2-day voting delay, 7-day period, 1 trETH to propose, a quorum of
   * 4% of trETH's total supply and at least 1,000 trETH.
   */
  governor?: GovernorOptions;
}

/**
 * The oracle committee (HashConsensus). The beacon chain parameters must be those the oracle's
 * beacon node reports; the defaults (32 slots of 12 s, genesis = the latest block's time, frames
 * of 225 epochs from epoch 1) suit a local chain whose consensus layer starts with the deployment.
 */
export interface OracleOptions {
  members?: Address[];
  /** Matching votes needed; default a simple majority of the members. */
  quorum?: number;
  slotsPerEpoch?: bigint;
  secondsPerSlot?: bigint;
  genesisTime?: bigint;
  epochsPerFrame?: bigint;
  initialEpoch?: bigint;
}

/**
 * Governor voting with trETH. The quorum is max(minimumQuorum, quorumPercent of trETH's TOTAL
 * supply, recorded by each proposal), not a fraction of the delegated votes.
 */
export interface GovernorOptions {
  votingDelay?: number;
  votingPeriod?: number;
  proposalThreshold?: bigint;
  quorumPercent?: bigint;
  /** The quorum's absolute floor in trETH (wei). Default DEFAULT_MINIMUM_QUORUM. */
  minimumQuorum?: bigint;
}

/**
 * The quorum's default floor: 1,000 trETH. While the supply is below 25,000 trETH (4% of it is
 * 1,000), an early holder cannot pass a proposal alone with less than this.
 */
export const DEFAULT_MINIMUM_QUORUM = parseEther("1000");

/**
 * The default seed: 32 ETH (one validator's deposit) staked at deployment for dead shares. A
 * donation of D ETH at launch then lifts the rate by D/32 at most, instead of D/0.001 (see the
 * README's design notes).
 */
export const DEFAULT_SEED = parseEther("32");

/** The deployment file's shape is the SDK's (`deployments/<chainId>.json`). */
export type {
  Deployment,
  DeploymentContracts as ProtocolAddresses,
  DeploymentHandover as Handover,
} from "@tributary/sdk";

async function hasCode(client: PublicClient, address: Address): Promise<boolean> {
  const code = await client.getCode({ address });
  return code !== undefined && code !== "0x";
}

/**
 * Deploys the whole protocol. Module addresses are derived from the deployer's nonces ahead of
 * time, so that the immutable token is created already wired to its modules.
 */
export async function deployProtocol(options: DeployOptions): Promise<Deployment> {
  const { wallet, publicClient } = options;
  const deployer = wallet.account.address;
  let nonce = await publicClient.getTransactionCount({ address: deployer, blockTag: "pending" });
  const limitPreset = options.limits ?? "mainnet";
  if (!(limitPreset in LIMIT_PRESETS)) throw new Error(`unknown limits preset "${limitPreset}"`);
  if (limitPreset !== "mainnet" && (!(options.devAdmin ?? false) || options.timelockDelay !== 0n)) {
    throw new Error(
      `the "${limitPreset}" limits preset is set through the timelock at deployment: it needs devAdmin and a zero timelock delay (a development chain)`,
    );
  }
  const startBlock = (await publicClient.getBlockNumber()) + 1n;

  async function deploy(name: ContractName, args: readonly unknown[], value = 0n): Promise<Address> {
    const { abi, bytecode } = loadArtifact(name);
    const expected = getContractAddress({ from: deployer, nonce: BigInt(nonce) });
    // A constructor may take another branch in the block that mines it than in the estimate's
    // (the accounting module's first reference slot depends on the block's time): 20% headroom.
    const estimate = await publicClient.estimateGas({
      account: deployer,
      data: encodeDeployData({ abi, bytecode, args } as Parameters<typeof encodeDeployData>[0]),
      value,
    });
    const hash = await wallet.deployContract({
      abi,
      bytecode,
      args,
      value,
      gas: estimate + estimate / 5n,
      nonce: nonce++,
      chain: wallet.chain,
      account: wallet.account,
    } as Parameters<typeof wallet.deployContract>[0]);
    const receipt = await confirm(hash, `deploying ${name}`);
    if (receipt.contractAddress?.toLowerCase() !== expected.toLowerCase()) {
      throw new Error(
        `deploying ${name} created ${receipt.contractAddress}, expected ${expected} (tx ${hash})`,
      );
    }
    return expected;
  }

  /** Waits for a transaction of the deployer and fails, naming it, if it reverted. */
  async function confirm(hash: Hash, what: string) {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") {
      // Name the cause: all gas used means the estimate fell short; else replay for the reason.
      const tx = await publicClient.getTransaction({ hash });
      let cause = `gas used ${receipt.gasUsed} of ${tx.gas}`;
      if (receipt.gasUsed < tx.gas) {
        cause = await publicClient
          .call({
            account: tx.from,
            to: tx.to,
            data: tx.input,
            value: tx.value,
            blockNumber: receipt.blockNumber - 1n,
          })
          .then(
            () => `${cause}; the replay on the previous block succeeds`,
            (error: Error) => `${cause}; ${error.message.split("\n")[0]}`,
          );
      }
      throw new Error(`${what} failed (tx ${hash}, status ${receipt.status}, ${cause})`);
    }
    return receipt;
  }

  /** Deploys a proxy to `implementation` (a `name` contract) that calls `initializer(args)` on creation. */
  async function deployProxy(
    name: ContractName,
    implementation: Address,
    initializer: string,
    args: readonly unknown[],
  ): Promise<Address> {
    const initData = encodeFunctionData({ abi: loadArtifact(name).abi, functionName: initializer, args });
    try {
      return await deploy("TributaryProxy", [implementation, initData]);
    } catch (error) {
      throw new Error(`deploying the proxy of ${name} failed`, { cause: error });
    }
  }

  let depositContract = options.depositContract;
  if (depositContract === undefined) depositContract = await deploy("DepositContract", []);
  else if (!(await hasCode(publicClient, depositContract))) {
    throw new Error(`no contract at the given deposit contract address ${depositContract}`);
  }
  let weth = options.weth;
  if (weth === undefined) weth = await deploy("WETH9", []);
  else if (!(await hasCode(publicClient, weth)))
    throw new Error(`no contract at the given WETH address ${weth}`);

  const at = (offset: number): Address =>
    getContractAddress({ from: deployer, nonce: BigInt(nonce + offset) });
  const predicted = {
    timelock: at(0),
    withdrawalVaultImplementation: at(1),
    withdrawalVault: at(2),
    token: at(3),
    operatorRegistryImplementation: at(4),
    operatorRegistry: at(5),
    depositSecurityImplementation: at(6),
    depositSecurity: at(7),
    withdrawalQueue: at(8),
    hashConsensus: at(9),
    accounting: at(10),
    rewardsDistributorImplementation: at(11),
    rewardsDistributor: at(12),
    governor: at(13),
  };
  const devAdmin = options.devAdmin ?? false;
  const openExecution = options.openExecution ?? false;
  const committee = options.emergencyCommittee ?? (devAdmin ? deployer : undefined);
  if (committee === undefined) {
    throw new Error("emergencyCommittee is required (zeroAddress for none) unless devAdmin is set");
  }
  const vaultInitArgs = [predicted.timelock, predicted.accounting];

  // Only the Governor proposes (a proposer also cancels); it executes, or anyone does. The
  // timelock administers itself (no admin). The development admin is the deployer beside it.
  const proposers = devAdmin ? [predicted.governor, deployer] : [predicted.governor];
  const executors = openExecution ? [zeroAddress] : proposers;
  const timelock = await deploy("TributaryTimelock", [
    options.timelockDelay,
    proposers,
    executors,
    zeroAddress,
  ]);
  const withdrawalVaultImplementation = await deploy("WithdrawalVault", [predicted.token]);
  const withdrawalVault = await deployProxy(
    "WithdrawalVault",
    withdrawalVaultImplementation,
    "initializeWithAccounting",
    vaultInitArgs,
  );
  const token = await deploy(
    "TrETH",
    [
      weth,
      timelock,
      committee,
      {
        depositor: predicted.depositSecurity,
        accounting: predicted.accounting,
        withdrawalQueue: predicted.withdrawalQueue,
      },
      options.dailyStakeCap ?? parseEther("150000"),
    ],
    options.seed ?? DEFAULT_SEED,
  );
  const operatorRegistryImplementation = await deploy("OperatorRegistry", [token]);
  const operatorRegistry = await deployProxy(
    "OperatorRegistry",
    operatorRegistryImplementation,
    "initializeWithAccounting",
    [timelock, withdrawalVault, predicted.depositSecurity, predicted.accounting],
  );
  const depositSecurityImplementation = await deploy("DepositSecurity", [
    token,
    operatorRegistry,
    depositContract,
  ]);
  const depositSecurity = await deployProxy("DepositSecurity", depositSecurityImplementation, "initialize", [
    timelock,
    options.guardians,
    BigInt(options.guardianQuorum),
    options.maxOperatorShareBps ?? 10_000n,
  ]);
  // Not behind a proxy (gas bars of a request and a claim); the first requests are priced at the
  // fresh token's rate of 1 (1e27 wei per share, scaled).
  const withdrawalQueue = await deploy("WithdrawalQueue", [token, weth]);

  // Oracle committee: the deployer administers it only long enough to seat the members (below).
  const oracle = options.oracle ?? {};
  const latest = await publicClient.getBlock();
  const hashConsensus = await deploy("HashConsensus", [
    oracle.slotsPerEpoch ?? 32n,
    oracle.secondsPerSlot ?? 12n,
    oracle.genesisTime ?? latest.timestamp,
    oracle.epochsPerFrame ?? 225n, // 225 x 32 x 12 s = 1 day
    oracle.initialEpoch ?? 1n,
    1n, // report format version (Accounting.CONSENSUS_VERSION)
    deployer,
  ]);
  // Not behind a proxy (report gas); governance replaces it as a trETH module (see Accounting).
  const accounting = await deploy("Accounting", [
    {
      token,
      consensus: hashConsensus,
      registry: operatorRegistry,
      withdrawalVault,
      rewardsDistributor: predicted.rewardsDistributor,
      admin: timelock,
      treasury: options.treasury ?? timelock,
      withdrawalQueue,
    },
    zeroAddress,
  ]);
  const rewardsDistributorImplementation = await deploy("RewardsDistributor", [token]);
  const rewardsDistributor = await deployProxy(
    "RewardsDistributor",
    rewardsDistributorImplementation,
    "initialize",
    [timelock],
  );
  const gov = options.governor ?? {};
  const governor = await deploy("TributaryGovernor", [
    token,
    timelock,
    gov.votingDelay ?? 2 * 86_400, // seconds: trETH's clock is in timestamp mode
    gov.votingPeriod ?? 7 * 86_400,
    gov.proposalThreshold ?? parseEther("1"),
    gov.quorumPercent ?? 4n, // of trETH's total supply, recorded by each proposal
    gov.minimumQuorum ?? DEFAULT_MINIMUM_QUORUM,
  ]);

  // Seat the oracle members, then hand the committee to the timelock: every role of it, so that
  // each of its settings takes one timelock call.
  const consensusAbi = loadArtifact("HashConsensus").abi;
  async function send(address: Address, abi: Abi, functionName: string, args: readonly unknown[]) {
    // Same 20% headroom as the deployments: a committee call takes another branch once its first
    // frame has begun, which the block that mines it may reach and the estimate's did not.
    const estimate = await publicClient.estimateContractGas({
      address,
      abi,
      functionName,
      args,
      account: wallet.account,
    } as Parameters<typeof publicClient.estimateContractGas>[0]);
    const hash = await wallet.writeContract({
      address,
      abi,
      functionName,
      args,
      gas: estimate + estimate / 5n,
      nonce: nonce++,
      chain: wallet.chain,
      account: wallet.account,
    } as Parameters<typeof wallet.writeContract>[0]);
    await confirm(hash, `${functionName} on ${address}`);
  }
  const manageMembers = ROLES.MANAGE_MEMBERS_ROLE;
  const members = oracle.members ?? [];
  await send(hashConsensus, consensusAbi, "grantRole", [manageMembers, deployer]);
  for (const [i, member] of members.entries()) {
    // The quorum stays above half of the members at every step and ends at the one asked for.
    const majority = Math.floor((i + 1) / 2) + 1;
    const quorum = Math.max(majority, Math.min(oracle.quorum ?? majority, i + 1));
    await send(hashConsensus, consensusAbi, "addMember", [member, BigInt(quorum)]);
  }
  for (const role of [zeroHash, manageMembers, ROLES.MANAGE_FRAME_CONFIG_ROLE]) {
    await send(hashConsensus, consensusAbi, "grantRole", [role, timelock]);
  }
  await send(hashConsensus, consensusAbi, "renounceRole", [manageMembers, deployer]);
  await send(hashConsensus, consensusAbi, "renounceRole", [zeroHash, deployer]);

  const contracts: ProtocolAddresses = {
    token,
    weth,
    depositContract,
    operatorRegistry,
    operatorRegistryImplementation,
    depositSecurity,
    depositSecurityImplementation,
    withdrawalVault,
    withdrawalVaultImplementation,
    timelock,
    withdrawalQueue,
    hashConsensus,
    accounting,
    rewardsDistributor,
    rewardsDistributorImplementation,
    governor,
  };
  for (const [key, address] of Object.entries(predicted)) {
    if (contracts[key as keyof ProtocolAddresses].toLowerCase() !== address.toLowerCase()) {
      throw new Error(
        `deployment order broke: ${key} at ${contracts[key as keyof ProtocolAddresses]}, expected ${address}`,
      );
    }
  }
  const limits = LIMIT_PRESETS[limitPreset];
  if (limitPreset !== "mainnet") {
    // The deployer's development admin role: schedule and execute at once (zero delay).
    const timelockAbi = loadArtifact("TributaryTimelock").abi;
    const data = encodeFunctionData({
      abi: loadArtifact("Accounting").abi,
      functionName: "setLimits",
      args: [limits],
    } as Parameters<typeof encodeFunctionData>[0]);
    const salt = keccak256(stringToHex(`limits preset ${limitPreset}`));
    await send(timelock, timelockAbi, "schedule", [accounting, 0n, data, zeroHash, salt, 0n]);
    await send(timelock, timelockAbi, "execute", [accounting, 0n, data, zeroHash, salt]);
  }
  await checkHandover(publicClient, contracts, deployer, devAdmin);
  const blockNumber = await publicClient.getBlockNumber();
  const [chainSlotsPerEpoch, chainSecondsPerSlot, chainGenesisTime] = (await publicClient.readContract({
    address: hashConsensus,
    abi: consensusAbi,
    functionName: "getChainConfig",
  })) as readonly [bigint, bigint, bigint];
  const [initialEpoch, epochsPerFrame] = (await publicClient.readContract({
    address: hashConsensus,
    abi: consensusAbi,
    functionName: "getFrameConfig",
  })) as readonly [bigint, bigint];
  return {
    chainId: await publicClient.getChainId(),
    deployer,
    blockNumber: blockNumber.toString(),
    contracts,
    startBlock: startBlock.toString(),
    guardians: options.guardians,
    guardianQuorum: options.guardianQuorum,
    oracle: {
      members: [...members],
      quorum: Number(
        await publicClient.readContract({
          address: hashConsensus,
          abi: consensusAbi,
          functionName: "getQuorum",
        }),
      ),
      slotsPerEpoch: Number(chainSlotsPerEpoch),
      secondsPerSlot: Number(chainSecondsPerSlot),
      genesisTime: chainGenesisTime.toString(),
      initialEpoch: Number(initialEpoch),
      epochsPerFrame: Number(epochsPerFrame),
    },
    limits: {
      preset: limitPreset,
      ...limits,
      missedExitPenalty: limits.missedExitPenalty.toString(),
    },
    handover: {
      devAdmin,
      openExecution,
      timelockDelay: options.timelockDelay.toString(),
      emergencyCommittee: committee,
      treasury: options.treasury ?? timelock,
      seed: (options.seed ?? DEFAULT_SEED).toString(),
      minimumQuorum: (gov.minimumQuorum ?? DEFAULT_MINIMUM_QUORUM).toString(),
    },
  };
}

/** The access-control roles of the protocol's contracts, by name. */
export const ROLES = {
  DEFAULT_ADMIN_ROLE: zeroHash,
  PROPOSER_ROLE: keccak256(stringToHex("PROPOSER_ROLE")),
  CANCELLER_ROLE: keccak256(stringToHex("CANCELLER_ROLE")),
  EXECUTOR_ROLE: keccak256(stringToHex("EXECUTOR_ROLE")),
  DEPOSITOR_ROLE: keccak256(stringToHex("DEPOSITOR_ROLE")),
  ACCOUNTING_ROLE: keccak256(stringToHex("ACCOUNTING_ROLE")),
  PAUSER_ROLE: keccak256(stringToHex("PAUSER_ROLE")),
  MANAGE_MEMBERS_ROLE: keccak256(stringToHex("MANAGE_MEMBERS_ROLE")),
  MANAGE_FRAME_CONFIG_ROLE: keccak256(stringToHex("MANAGE_FRAME_CONFIG_ROLE")),
} as const satisfies Record<string, Hex>;

/**
 * Fails, naming what is left, if the deployer still holds anything once the deployment is done: a
 * role on any contract (bar the timelock's own with `devAdmin`) or trETH's governance. The full
 * role set is asserted by the integration tests.
 */
async function checkHandover(
  client: PublicClient,
  c: ProtocolAddresses,
  deployer: Address,
  devAdmin: boolean,
): Promise<void> {
  const abi = loadArtifact("OperatorRegistry").abi; // AccessControl's hasRole
  const left: string[] = [];
  for (const [name, address] of Object.entries(c) as [keyof ProtocolAddresses, Address][]) {
    if (["token", "weth", "depositContract", "withdrawalQueue", "governor"].includes(name)) continue;
    if (name === "timelock" && devAdmin) continue;
    for (const [role, hash] of Object.entries(ROLES)) {
      const held = await client.readContract({
        address,
        abi,
        functionName: "hasRole",
        args: [hash, deployer],
      });
      if (held) left.push(`${role} on ${name} (${address})`);
    }
  }
  const trETH = loadArtifact("TrETH").abi;
  for (const functionName of ["governance", "pendingGovernance"] as const) {
    const holder = (await client.readContract({ address: c.token, abi: trETH, functionName })) as Address;
    if (holder.toLowerCase() === deployer.toLowerCase()) left.push(`trETH's ${functionName}`);
  }
  if (left.length > 0) {
    throw new Error(`the deployer ${deployer} still holds, after the hand-over: ${left.join("; ")}`);
  }
}
