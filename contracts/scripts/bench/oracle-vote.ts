import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { keccak256, stringToHex } from "viem";

/** Mainnet beacon chain parameters, as a beacon node's Beacon API reports them. */
const SLOTS_PER_EPOCH = 32n;
const SECONDS_PER_SLOT = 12n;
/** 225 epochs x 32 slots x 12 s = 86,400 s: one frame per day. */
const EPOCHS_PER_FRAME = 225n;
const FRAME_SECONDS = EPOCHS_PER_FRAME * SLOTS_PER_EPOCH * SECONDS_PER_SLOT;
const INITIAL_EPOCH = 1n;
const CONSENSUS_VERSION = 1n;
const MEMBERS = 9;
const QUORUM = 5;

export interface OracleVoteGas {
  /** gasUsed of every member vote in the first frame (variant slots written for the first time). */
  firstFrame: bigint[];
  /** gasUsed of every member vote in the second frame (steady state: every slot non-zero). */
  steadyState: bigint[];
}

export interface OracleVoteOptions {
  /** How many members vote first, each for a hash of its own, before the rest agree (default 0). */
  dissenters?: number;
}

/**
 * Deploys HashConsensus on the simulated network (automine: one transaction per block) with
 * 9 members and quorum 5, lets every member vote in two consecutive frames, and returns the gas
 * of each vote.
 */
export async function measureOracleVoteDetailed(options: OracleVoteOptions = {}): Promise<OracleVoteGas> {
  const dissenters = options.dissenters ?? 0;
  if (dissenters > MEMBERS - QUORUM) throw new Error(`at most ${MEMBERS - QUORUM} dissenters keep a quorum`);
  const { viem, networkHelpers } = await network.create(); // a fresh simulated chain (connect() is deprecated)
  const publicClient = await viem.getPublicClient();
  const [admin, ...others] = await viem.getWalletClients();
  const members = others.slice(0, MEMBERS);
  if (admin === undefined || members.length < MEMBERS) {
    throw new Error(`need ${MEMBERS + 1} accounts, got ${others.length + 1}`);
  }

  const genesisTime = (await publicClient.getBlock()).timestamp;
  const consensus = await viem.deployContract("HashConsensus", [
    SLOTS_PER_EPOCH,
    SECONDS_PER_SLOT,
    genesisTime,
    EPOCHS_PER_FRAME,
    INITIAL_EPOCH,
    CONSENSUS_VERSION,
    admin.account.address,
  ]);
  const wait = async (hash: `0x${string}`) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    return receipt;
  };

  await wait(
    await consensus.write.grantRole([await consensus.read.MANAGE_MEMBERS_ROLE(), admin.account.address]),
  );
  for (const [i, member] of members.entries()) {
    // Quorum stays above half of the members at every step and ends at QUORUM.
    const quorum = Math.min(Math.floor((i + 1) / 2) + 1, QUORUM);
    await wait(await consensus.write.addMember([member.account.address, BigInt(quorum)]));
  }

  const firstFrameStart = genesisTime + INITIAL_EPOCH * SLOTS_PER_EPOCH * SECONDS_PER_SLOT;
  const voteFrame = async (frameIndex: bigint): Promise<bigint[]> => {
    // A minute into the frame.
    await networkHelpers.time.increaseTo(firstFrameStart + frameIndex * FRAME_SECONDS + 60n);
    const [refSlot] = await consensus.read.getCurrentFrame();
    const reportHash = keccak256(stringToHex(`report for slot ${refSlot}`));
    const gas: bigint[] = [];
    for (const [i, member] of members.entries()) {
      const voted = i < dissenters ? keccak256(stringToHex(`dissent ${i} for slot ${refSlot}`)) : reportHash;
      const hash = await consensus.write.submitReport([refSlot, voted, CONSENSUS_VERSION], {
        account: member.account,
      });
      gas.push((await wait(hash)).gasUsed);
    }
    const [, consensusHash, support] = await consensus.read.getConsensusReport();
    if (consensusHash !== reportHash || support !== BigInt(MEMBERS - dissenters)) {
      throw new Error(`frame ${frameIndex}: consensus missing or short (support ${support})`);
    }
    return gas;
  };

  const firstFrame = await voteFrame(0n);
  const steadyState = await voteFrame(1n);
  return { firstFrame, steadyState };
}

/** The largest gasUsed of any single member vote in the steady state (second frame). */
export async function measureOracleVote(): Promise<number> {
  const { steadyState } = await measureOracleVoteDetailed();
  return Math.max(...steadyState.map(Number));
}

const invokedDirectly = process.argv.some((arg) => resolve(arg) === fileURLToPath(import.meta.url));
if (invokedDirectly) {
  const { firstFrame, steadyState } = await measureOracleVoteDetailed();
  const range = (gas: bigint[]) => {
    const sorted = [...gas].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `min ${sorted[0]} max ${sorted[sorted.length - 1]} (${gas.join(", ")})`;
  };
  console.log(`oracle vote gas, first frame:  ${range(firstFrame)}`);
  console.log(`oracle vote gas, steady state: ${range(steadyState)}`);
  for (const dissenters of [1, 2]) {
    const split = await measureOracleVoteDetailed({ dissenters });
    console.log(`oracle vote gas, steady state, ${dissenters} dissenting first: ${range(split.steadyState)}`);
  }
  console.log(`measureOracleVote() = ${await measureOracleVote()}`);
}
