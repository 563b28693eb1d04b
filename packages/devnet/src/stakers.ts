/**
 * Sample stakers: a few development accounts that stake, transfer trETH, request withdrawals and
 * claim what is finalized, now and then, so that the local network shows a protocol in use. Their
 * choices come from a seeded generator: two runs with the same options act alike.
 */
import { claimAll, type Deployment, getPosition, requestRedeem, stake } from "@tributary/sdk";
import { trETHAbi } from "@tributary/sdk/abis";
import {
  type Account,
  type Chain,
  formatEther,
  type PublicClient,
  parseEther,
  type Transport,
  type WalletClient,
} from "viem";

type DevWallet = WalletClient<Transport, Chain, Account>;

export interface SampleStakersOptions {
  publicClient: PublicClient;
  wallet: (account: number) => DevWallet;
  deployment: Deployment;
  accounts: number[];
  print: (line: string) => void;
  /** Milliseconds between two actions. Default 15 s. */
  intervalMs?: number;
  seed?: number;
}

/** Mulberry32: a small seeded generator, enough for sample behaviour. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class SampleStakers {
  private timer: NodeJS.Timeout | undefined;
  private readonly random: () => number;
  private busy = false;
  /** Actions sent, by kind. */
  readonly counts = { stake: 0, transfer: 0, request: 0, claim: 0, failed: 0 };

  constructor(private readonly o: SampleStakersOptions) {
    this.random = generator(o.seed ?? 1);
  }

  /** Stakes `total` wei split evenly among the stakers, each mined before returning (automine on). */
  async seed(total: bigint): Promise<void> {
    if (this.o.accounts.length === 0) return;
    const each = total / BigInt(this.o.accounts.length) + parseEther("1");
    for (const account of this.o.accounts) {
      const hash = await stake(this.o.wallet(account), { amount: each, deployment: this.o.deployment });
      await this.o.publicClient.waitForTransactionReceipt({ hash });
      this.counts.stake++;
    }
    this.o.print(`${this.o.accounts.length} sample stakers staked ${formatEther(each)} ETH each`);
  }

  start(): void {
    if (this.o.accounts.length === 0) return;
    this.timer = setInterval(() => void this.act(), this.o.intervalMs ?? 15_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One action of one staker: its transaction is sent, not awaited (slots mine it). */
  private async act(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(this.random() * list.length)] as T;
    const account = pick(this.o.accounts);
    const wallet = this.o.wallet(account);
    const deployment = this.o.deployment;
    const roll = this.random();
    try {
      const position = await getPosition(this.o.publicClient, {
        address: wallet.account.address,
        deployment,
      });
      if (position.tickets.some((t) => t.status === "finalized")) {
        await claimAll(wallet, { deployment });
        this.counts.claim++;
      } else if (roll < 0.45) {
        await stake(wallet, { amount: parseEther(String(1 + Math.floor(this.random() * 20))), deployment });
        this.counts.stake++;
      } else if (roll < 0.75 && this.o.accounts.length > 1) {
        const to = this.o.wallet(pick(this.o.accounts.filter((a) => a !== account)));
        await wallet.writeContract({
          address: deployment.contracts.token,
          abi: trETHAbi,
          functionName: "transfer",
          args: [to.account.address, position.shares / 20n],
        });
        this.counts.transfer++;
      } else if (position.shares > 0n) {
        await requestRedeem(wallet, { shares: position.shares / 10n, deployment });
        this.counts.request++;
      }
    } catch {
      // A staker's transaction refused (a pause, a limit): it tries something else next time.
      this.counts.failed++;
    } finally {
      this.busy = false;
    }
  }
}
