import { depositContractAbi } from "@tributary/sdk/abis";
import {
  type Abi,
  type AbiParameter,
  type Address,
  concat,
  encodeAbiParameters,
  type Hex,
  keccak256,
  numberToHex,
  parseEther,
  toHex,
  zeroHash,
} from "viem";
import { loadArtifact } from "./artifacts.js";
import type { LocalProtocol } from "./bench.js";
import { DEV_ROLES, devAccount } from "./devkeys.js";

/**
 * A scripted protocol on a local chain for benchmarks and tests: operators with fake keys
 * (the deposit contract does not check BLS signatures), guardian-signed deposits, and reports
 * voted by development oracle members (accounts 10-12, quorum 2) with chosen figures. It stands in
 * for the oracle and guardian daemons where a test needs exact control of what a report says.
 */
/** Oracle members (dev accounts 10-12; anvil funds only 0-9, so they are funded below), quorum 2. */
export const MEMBER_INDEXES = [10, 11, 12];
export const QUORUM = 2;
/** 225 epochs x 32 slots x 12 s: one frame per day. */
export const FRAME_SECONDS = 86_400;
/** Gas limit for setup transactions, so that none waits for an estimate. */
const SETUP_GAS = 1_500_000n;
/** Keys per deposit transaction (each beacon deposit costs ~50k gas). */
const DEPOSIT_BATCH = 100;
const CONSENSUS_VERSION = 1n;
const GWEI = 1_000_000_000n;

type Wallet = ReturnType<LocalProtocol["wallet"]>;
interface TraceFrame {
  to: string;
  input: string;
  gasUsed: string;
  calls?: TraceFrame[];
}

export interface Report {
  consensusVersion: bigint;
  refSlot: bigint;
  clValidators: bigint;
  clBalance: bigint;
  withdrawalVaultAmount: bigint;
  elRewardsVaultAmount: bigint;
  exitedValidators: bigint;
  operatorChanges: {
    operatorId: bigint;
    exitedValidators: bigint;
    withdrawnValidators: bigint;
    loss: bigint;
  }[];
  rewardsRoot: Hex;
  operatorCommission: bigint;
  lastRequestIdToFinalize: bigint;
  exitRequestsHash: Hex;
  exitRequestsCount: bigint;
}

/** A deterministic fake validator key (the deposit contract does not check BLS signatures). */
export function fakeKey(salt: number): { pubkey: Hex; signature: Hex } {
  const h = (tag: string) => keccak256(toHex(`${tag}-${salt}`));
  return {
    pubkey: concat([h("pk"), `0x${h("pk2").slice(2, 34)}` as Hex]),
    signature: concat([h("s0"), h("s1"), h("s2")]),
  };
}

export class Scenario {
  readonly abis = {
    token: loadArtifact("TrETH").abi,
    registry: loadArtifact("OperatorRegistry").abi,
    security: loadArtifact("DepositSecurity").abi,
    consensus: loadArtifact("HashConsensus").abi,
    accounting: loadArtifact("Accounting").abi,
  };
  private nonces = new Map<Address, number>();
  private frame = 0;

  constructor(readonly local: LocalProtocol) {}

  get contracts() {
    return this.local.deployment.contracts;
  }

  private async rpc(method: string, params: unknown[]): Promise<unknown> {
    return this.local.publicClient.request({ method, params } as never);
  }

  /** Sends without waiting for the receipt (nonces tracked here); returns the hash. */
  async fire(
    wallet: Wallet,
    address: Address,
    abi: Abi,
    functionName: string,
    args: unknown[],
    value?: bigint,
  ) {
    const from = wallet.account.address;
    let nonce = this.nonces.get(from);
    if (nonce === undefined) nonce = await this.local.publicClient.getTransactionCount({ address: from });
    this.nonces.set(from, nonce + 1);
    return (await wallet.writeContract({
      address,
      abi,
      functionName,
      args,
      value,
      nonce,
      gas: SETUP_GAS,
      chain: undefined,
    } as never)) as Hex;
  }

  async call(
    wallet: Wallet,
    address: Address,
    abi: Abi,
    functionName: string,
    args: unknown[],
    value?: bigint,
  ) {
    const hash = await this.fire(wallet, address, abi, functionName, args, value);
    try {
      return await this.local.gasOf(hash);
    } catch (error) {
      // Replay as a call to surface the revert reason.
      await this.local.publicClient.simulateContract({
        address,
        abi,
        functionName,
        args,
        value,
        account: wallet.account,
      } as never);
      throw error;
    }
  }

  read<T>(address: Address, abi: Abi, functionName: string, args: unknown[] = []): Promise<T> {
    return this.local.publicClient.readContract({ address, abi, functionName, args }) as Promise<T>;
  }

  async fund(address: Address, wei: bigint) {
    await this.rpc("anvil_setBalance", [address, numberToHex(wei)]);
  }

  /** Guardian signatures (quorum 2) over `digest`, sorted by signer address. */
  async guardianSigs(digest: Hex): Promise<Hex[]> {
    const signers = DEV_ROLES.guardians
      .slice(0, 2)
      .map((i) => devAccount(i))
      .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
    return Promise.all(signers.map((s) => s.sign({ hash: digest })));
  }

  /** `count` operators with one deposited validator each, plus enough stake to fund them. */
  async addOperators(count: number) {
    const { operatorRegistry, depositSecurity, token } = this.contracts;
    const manager = this.local.wallet(DEV_ROLES.firstUser + 1);
    const whale = this.local.wallet(DEV_ROLES.firstUser);
    await this.fund(manager.account.address, parseEther("1000000"));
    await this.fund(whale.account.address, parseEther("1000000"));
    const first = Number(await this.read<bigint>(operatorRegistry, this.abis.registry, "operatorCount"));
    const bond = await this.read<bigint>(operatorRegistry, this.abis.registry, "bondPerValidator");
    let last: Hex = "0x";
    for (let i = 0; i < count; i++) {
      await this.fire(
        manager,
        operatorRegistry,
        this.abis.registry,
        "registerOperator",
        [manager.account.address, 5_00],
        bond,
      );
      const key = fakeKey(first + i);
      last = await this.fire(manager, operatorRegistry, this.abis.registry, "addKeys", [
        BigInt(first + i),
        key.pubkey,
        key.signature,
      ]);
    }
    await this.local.gasOf(last);
    for (let i = 0; i < count; i++) {
      const id = BigInt(first + i);
      const digest = await this.read<Hex>(depositSecurity, this.abis.security, "vetDigest", [id, 1n, 1n]);
      last = await this.fire(whale, depositSecurity, this.abis.security, "vetKeys", [
        id,
        1n,
        1n,
        await this.guardianSigs(digest),
      ]);
    }
    await this.local.gasOf(last);
    // Stake in chunks under the daily cap.
    await this.call(
      whale,
      token,
      this.abis.token,
      "stake",
      [whale.account.address],
      BigInt(count) * parseEther("32"),
    );
    for (let start = 0; start < count; start += DEPOSIT_BATCH) {
      const ids: bigint[] = [];
      const keys: { pubkey: Hex; signature: Hex }[] = [];
      for (let i = start; i < Math.min(count, start + DEPOSIT_BATCH); i++) {
        ids.push(BigInt(first + i));
        keys.push(fakeKey(first + i));
      }
      const counts = ids.map(() => 1n);
      const depositRoot = await this.read<Hex>(
        this.contracts.depositContract,
        depositContractAbi,
        "get_deposit_root",
      );
      const nonce = await this.read<bigint>(depositSecurity, this.abis.security, "depositNonce");
      const allocation = keccak256(
        encodeAbiParameters([{ type: "uint256[]" }, { type: "uint256[]" }], [ids, counts]),
      );
      const digest = await this.read<Hex>(depositSecurity, this.abis.security, "depositDigest", [
        depositRoot,
        nonce,
        allocation,
      ]);
      const batch = {
        depositRoot,
        nonce,
        operatorIds: ids,
        counts,
        pubkeys: concat(keys.map((k) => k.pubkey)),
        keySignatures: concat(keys.map((k) => k.signature)),
      };
      const hash = await whale.writeContract({
        address: depositSecurity,
        abi: this.abis.security,
        functionName: "deposit",
        args: [batch, await this.guardianSigs(digest)],
        gas: 25_000_000n,
        chain: undefined,
      } as never);
      this.nonces.delete(whale.account.address);
      await this.local.gasOf(hash as Hex);
    }
  }

  /** Moves into the next frame and returns its reference slot. */
  async nextFrame(): Promise<bigint> {
    const { hashConsensus } = this.contracts;
    const [current] = await this.read<[bigint, bigint]>(
      hashConsensus,
      this.abis.consensus,
      "getCurrentFrame",
    ).catch(() => [0n, 0n] as [bigint, bigint]);
    this.frame++;
    let [refSlot] = [current];
    while (refSlot === current) {
      await this.rpc("evm_increaseTime", [this.frame === 1 ? 400 : FRAME_SECONDS]);
      await this.rpc("evm_mine", []);
      [refSlot] = await this.read<[bigint, bigint]>(
        hashConsensus,
        this.abis.consensus,
        "getCurrentFrame",
      ).catch(() => [current, 0n] as [bigint, bigint]);
    }
    return refSlot;
  }

  /**
   * A typical daily report: CL rewards, a skimmed withdrawal, EL rewards, a new rewards root and
   * finalization up to `lastRequestId` (0 = none); no operator changes and no exit list. With
   * `heavy`, also one operator's loss (burning bond shares in the registry) and a new exit list:
   * the rare case, measured under its own key.
   */
  async typicalReport(
    refSlot: bigint,
    lastRequestId: bigint,
    warmUp = false,
    heavy = false,
  ): Promise<Report> {
    const { token, withdrawalVault, operatorRegistry } = this.contracts;
    const beacon = await this.read<bigint>(token, this.abis.token, "beaconAssets");
    const validators = await this.read<bigint>(
      operatorRegistry,
      this.abis.registry,
      "totalDepositedValidators",
    );
    // The first report covers only minutes since genesis: no growth then.
    // 0.02%: within a day at 10%/year; whole gwei, like every consensus-layer amount.
    const clRewards = warmUp ? 0n : ((beacon * 2n) / 10_000n / GWEI) * GWEI;
    const elRewards = beacon / 10_000n; // 0.01%
    const skimmed = parseEther("0.5");
    const loss = heavy ? parseEther("0.01") : 0n;
    const whale = this.local.wallet(DEV_ROLES.firstUser);
    await this.local.gasOf(
      await whale.sendTransaction({ to: withdrawalVault, value: elRewards, chain: undefined }),
    );
    await this.local.gasOf(
      await whale.sendTransaction({ to: withdrawalVault, value: skimmed, chain: undefined }),
    );
    this.nonces.delete(whale.account.address);
    return {
      consensusVersion: CONSENSUS_VERSION,
      refSlot,
      clValidators: validators,
      clBalance: beacon + clRewards - skimmed - loss,
      withdrawalVaultAmount: skimmed,
      elRewardsVaultAmount: elRewards,
      exitedValidators: 0n,
      operatorChanges: heavy ? [{ operatorId: 0n, exitedValidators: 0n, withdrawnValidators: 0n, loss }] : [],
      rewardsRoot: keccak256(toHex(`rewards ${refSlot}`)),
      operatorCommission: ((clRewards + elRewards) * 5n) / 100n,
      lastRequestIdToFinalize: lastRequestId,
      exitRequestsHash: heavy ? keccak256(toHex(`exits ${refSlot}`)) : zeroHash,
      exitRequestsCount: heavy ? 1n : 0n,
    };
  }

  /**
   * Quorum votes (or `voters` members: every one for a loss above the unanimity bound) for the
   * report's hash; then a third party submits the data. Returns its gas.
   */
  async applyReport(report: Report, voters: number = QUORUM): Promise<number> {
    const { hashConsensus, accounting } = this.contracts;
    const inputs = (
      this.abis.accounting as readonly { name?: string; inputs?: readonly AbiParameter[] }[]
    ).find((item) => item.name === "submitReportData")?.inputs;
    if (!inputs) throw new Error("submitReportData not in the Accounting ABI");
    const hash = keccak256(encodeAbiParameters(inputs, [report]));
    for (const index of MEMBER_INDEXES.slice(0, voters)) {
      await this.call(this.local.wallet(index), hashConsensus, this.abis.consensus, "submitReport", [
        report.refSlot,
        hash,
        CONSENSUS_VERSION,
      ]);
    }
    const submitter = this.local.wallet(DEV_ROLES.firstUser + 2);
    const tx = await this.fire(submitter, accounting, this.abis.accounting, "submitReportData", [report]);
    const gas = Number(await this.local.gasOf(tx));
    if (process.env.REPORT_TRACE === "ops") {
      // Opcode profile: storage, calls, logs and balance reads with their cost, by call depth.
      const trace = (await this.rpc("debug_traceTransaction", [
        tx,
        { disableMemory: true, disableStorage: true, disableStack: true },
      ])) as { structLogs: { op: string; gas: number; gasCost: number; depth: number }[] };
      const logs = trace.structLogs;
      const lines: string[] = [];
      for (const [i, step] of logs.entries()) {
        const { op, gas, depth } = step;
        const next = logs[i + 1];
        if (!/^(SLOAD|SSTORE|LOG\d|BALANCE|CALL|STATICCALL|DELEGATECALL|EXTCODESIZE|KECCAK256)$/.test(op))
          continue;
        let cost = next && next.depth === depth ? gas - next.gas : 0;
        if (next && next.depth > depth) {
          // A call: its cost includes the callee's, up to the step back at this depth.
          let j = i + 1;
          while ((logs[j]?.depth ?? 0) > depth) j++;
          cost = gas - (logs[j]?.gas ?? gas);
        }
        lines.push(`${"  ".repeat(depth)}${op} ${cost}`);
      }
      console.log(lines.join("\n"));
    } else if (process.env.REPORT_TRACE) {
      const trace = await this.rpc("debug_traceTransaction", [tx, { tracer: "callTracer" }]);
      const print = (frame: TraceFrame, depth: number) => {
        console.log(
          `${"  ".repeat(depth)}${frame.to} ${frame.input.slice(0, 10)} gasUsed ${Number(frame.gasUsed)}`,
        );
        for (const child of frame.calls ?? []) print(child, depth + 1);
      };
      print(trace as TraceFrame, 0);
    }
    return gas;
  }

  /** `count` withdrawal requests of 0.01 trETH each; returns the last request id. */
  async requests(count: number): Promise<bigint> {
    const { token, withdrawalQueue } = this.contracts;
    const whale = this.local.wallet(DEV_ROLES.firstUser);
    let last: Hex = "0x";
    for (let i = 0; i < count; i++) {
      last = await this.fire(whale, token, this.abis.token, "requestRedeem", [
        parseEther("0.01"),
        whale.account.address,
        whale.account.address,
      ]);
    }
    await this.local.gasOf(last);
    return this.read<bigint>(withdrawalQueue, loadArtifact("WithdrawalQueue").abi, "lastRequestId");
  }
}
