import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { measureDefiGas } from "@tributary/defi";
import { type Hex, maxUint256, parseEther, parseSignature } from "viem";
import { loadArtifact } from "../lib/artifacts.js";
import { startLocalProtocol } from "../lib/bench.js";
import { DEV_ROLES, devAccount } from "../lib/devkeys.js";
import { measureCrosschainGas } from "./bench/crosschain.js";
import { measureOracleVote } from "./bench/oracle-vote.js";
import { isReportApplyFlat, measureReportApply } from "./bench/report-apply.js";
import { isFlat, measureFinalizeGas, measureWithdrawalGas } from "./bench/withdrawals.js";

/** Bars from the design (gas per transaction, each in its own block). Missing = no bar. */
export const BARS: Record<string, number> = {
  stake_new: 56_000,
  stake_existing: 39_000,
  transfer_existing: 34_300,
  transfer_new: 51_400,
  oracle_vote: 45_000,
  request_first: 75_000,
  claim: 50_000,
  claim_search: 50_000,
  report_apply_10_ops: 150_000,
  report_apply_1000_ops: 150_000,
  report_apply_1_req: 150_000,
  report_apply_500_req: 150_000,
};

/** Figures of peers from the design, for the printed comparison. */
const PEERS: Record<string, string> = {
  stake_new: "Frax 66,572 · Lido 89,289 · Rocket Pool 188,759",
  stake_existing: "Frax 49,472 · Lido 72,189 · Rocket Pool 171,659",
  transfer_existing: "Frax 34,315 · Lido 67,190 · Rocket Pool 42,345",
  transfer_new: "Frax 51,415 · Lido 84,290 · Rocket Pool 59,445",
  oracle_vote: "Lido ~74-87k · Rocket Pool 140-157k",
  request_first: "Lido 197,813 · Rocket Pool 210,548 (burn)",
  claim: "Lido 89,774-94,214",
  claim_search: "Lido 89,774-94,214",
  report_apply_10_ops: "Lido grows ~7.8k per operator · Rocket Pool ~246k",
  report_apply_1000_ops: "Lido grows ~7.8k per operator · Rocket Pool ~246k",
};

export async function measureGas(): Promise<Record<string, number>> {
  const local = await startLocalProtocol();
  try {
    const { token, weth } = local.deployment.contracts;
    const trETH = loadArtifact("TrETH").abi;
    const wethAbi = loadArtifact("WETH9").abi;
    const alice = local.wallet(DEV_ROLES.firstUser);
    const bob = devAccount(DEV_ROLES.firstUser + 1).address;
    const carol = local.wallet(DEV_ROLES.firstUser + 2);
    const relayer = local.wallet(DEV_ROLES.firstUser + 3);
    const gas: Record<string, number> = {};
    const record = async (key: string, hash: Hex) => {
      gas[key] = Number(await local.gasOf(hash));
    };
    const write = (
      wallet: typeof alice,
      address: Hex,
      abi: typeof trETH,
      functionName: string,
      args: unknown[],
      value?: bigint,
    ) => wallet.writeContract({ address, abi, functionName, args, value, chain: undefined } as never);

    await record(
      "stake_new",
      await write(alice, token, trETH, "stake", [alice.account.address], parseEther("1")),
    );
    await record(
      "stake_existing",
      await write(alice, token, trETH, "stake", [alice.account.address], parseEther("1")),
    );
    await record("transfer_new", await write(alice, token, trETH, "transfer", [bob, parseEther("0.1")]));
    await record("transfer_existing", await write(alice, token, trETH, "transfer", [bob, parseEther("0.1")]));

    // WETH deposit by a holder who already has trETH, with a WETH allowance already set.
    await local.gasOf(await write(carol, weth, wethAbi, "deposit", [], parseEther("2")));
    await local.gasOf(await write(carol, weth, wethAbi, "approve", [token, maxUint256]));
    await local.gasOf(await write(carol, token, trETH, "stake", [carol.account.address], parseEther("1")));
    await record(
      "deposit_weth",
      await write(carol, token, trETH, "deposit", [parseEther("1"), carol.account.address]),
    );

    // ERC-2612 permit submitted by a relayer for Alice's signature (her first permit).
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    const chainId = await local.publicClient.getChainId();
    const signature = await alice.signTypedData({
      domain: { name: "Tributary Staked Ether", version: "1", chainId, verifyingContract: token },
      types: {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      primaryType: "Permit",
      message: { owner: alice.account.address, spender: bob, value: parseEther("1"), nonce: 0n, deadline },
    });
    const { v, r, s } = parseSignature(signature);
    await record(
      "permit",
      await write(relayer, token, trETH, "permit", [
        alice.account.address,
        bob,
        parseEther("1"),
        deadline,
        Number(v),
        r,
        s,
      ]),
    );
    // Carol holds trETH and has never requested a withdrawal.
    Object.assign(gas, await measureWithdrawalGas(local, DEV_ROLES.firstUser + 2));
    gas.oracle_vote = await measureOracleVote();
    return gas;
  } finally {
    await local.stop();
  }
}

/** All figures: the token and withdrawal flows, then finalization of 1 and 500 requests. */
export async function measureAllGas(): Promise<Record<string, number>> {
  const gas = await measureGas();
  return {
    ...gas,
    ...(await measureFinalizeGas()),
    ...(await measureReportApply()),
    ...(await measureDefiGas()),
    ...(await measureCrosschainGas()),
  };
}

function table(gas: Record<string, number>): string {
  const rows = [["operation", "gas", "bar", "within", "peers (design, section 7)"]];
  for (const [key, value] of Object.entries(gas)) {
    const bar = BARS[key];
    rows.push([
      key,
      value.toLocaleString("en-US"),
      bar ? bar.toLocaleString("en-US") : "-",
      bar ? (value <= bar ? "yes" : "NO") : "-",
      PEERS[key] ?? "",
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ")).join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { json: { type: "boolean" }, snapshot: { type: "boolean" } },
  });
  const gas = await measureAllGas();
  if (values.snapshot) {
    const file = join(dirname(fileURLToPath(import.meta.url)), "..", "snapshots", "gas.json");
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(gas, null, 2)}\n`);
  }
  process.stdout.write(values.json ? `${JSON.stringify(gas)}\n` : `${table(gas)}\n`);
  const over = Object.entries(gas).filter(([key, value]) => BARS[key] !== undefined && value > BARS[key]);
  const flat = isFlat(gas);
  if (!flat) process.stderr.write("finalization is not flat in the number of requests (5% tolerance)\n");
  const reportFlat = isReportApplyFlat(gas);
  if (!reportFlat)
    process.stderr.write("applying a report is not flat in operators or requests (5% tolerance)\n");
  process.exit(over.length === 0 && flat && reportFlat ? 0 : 1);
}
