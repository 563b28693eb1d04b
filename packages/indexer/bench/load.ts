/**
 * Protocol events in bulk for the backfill benchmark: a small contract compiled here with solc-js
 * holds trETH and sends one share at a time to addresses of a fixed pool (one trETH `Transfer` per
 * call), and stakes in a loop for addresses of the same pool (`Transfer` + `Deposit` per stake),
 * many calls per transaction. Every log comes from the token itself, as a user's would.
 */
import { createRequire } from "node:module";
import { trETHAbi } from "@tributary/sdk/abis";
import type { Abi, Address, Hex } from "viem";
import { encodeAbiParameters, getAddress, keccak256, parseEther } from "viem";
import type { LocalProtocol } from "../../../contracts/lib/bench.js";
import type { Scenario } from "../../../contracts/lib/scenario.js";

const require = createRequire(import.meta.url);

const SOURCE = `// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.20;

interface IToken {
    function transfer(address to, uint256 value) external returns (bool);
    function stake(address receiver) external payable returns (uint256);
}

contract Sprayer {
    IToken public immutable token;

    constructor(IToken token_) {
        token = token_;
    }

    /// One share to each of the pool's members start, start + 1, ... (modulo pool), count in all.
    function spray(uint256 start, uint256 count, uint256 pool) external {
        for (uint256 i; i < count; ++i) {
            token.transfer(member((start + i) % pool), 1);
        }
    }

    /// count stakes of msg.value / count each, for the pool's members start, start + 1, ...
    function stakeMany(uint256 start, uint256 count, uint256 pool) external payable {
        uint256 each = msg.value / count;
        for (uint256 i; i < count; ++i) {
            token.stake{value: each}(member((start + i) % pool));
        }
    }

    function member(uint256 i) public pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode(uint256(0x7269627574617279), i)))));
    }
}
`;

/** The pool's `i`-th member, as the helper computes it. */
export function poolMember(i: number): Hex {
  const word = keccak256(
    encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [0x7269627574617279n, BigInt(i)]),
  );
  return getAddress(`0x${word.slice(-40)}`);
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

/** The helper contract's ABI and creation code, compiled with the solc-js the contracts use. */
export function compileSprayer(): { abi: Abi; bytecode: Hex } {
  const solc = require("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: { "Sprayer.sol": { content: SOURCE } },
    settings: {
      evmVersion: "prague",
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const sprayer = output.contracts["Sprayer.sol"]?.Sprayer;
  if (!sprayer) throw new Error("solc produced no Sprayer contract");
  return { abi: sprayer.abi, bytecode: `0x${sprayer.evm.bytecode.object}` };
}

export interface LoadOptions {
  /** trETH transfers made by the helper (one `Transfer` each). */
  transfers: number;
  /** Stakes made by the helper (a `Transfer` and a `Deposit` each). */
  stakes: number;
  /** Transfers per transaction (stakes: a fifth of it). */
  perTx: number;
  /** Distinct recipients. */
  pool: number;
  /** Dev account index that deploys, funds and sends. */
  sender: number;
}

export interface LoadResult {
  helper: Address;
  transactions: number;
  gasUsed: bigint;
}

/**
 * Deploys the helper, funds it with trETH (a stake by the sender, for the helper) and sends the
 * transfers and stakes, each transaction in its own block (anvil's automine). Fails if any
 * transaction reverts.
 */
export async function generateEvents(
  local: LocalProtocol,
  scenario: Scenario,
  options: LoadOptions,
): Promise<LoadResult> {
  const { abi, bytecode } = compileSprayer();
  const wallet = local.wallet(options.sender);
  const from = wallet.account.address;
  const token = local.deployment.contracts.token;
  const stakeEach = parseEther("0.001");
  await scenario.fund(from, parseEther("1000000"));

  const [available] = (await local.publicClient.readContract({
    address: token,
    abi: trETHAbi,
    functionName: "stakeLimit",
  })) as readonly [bigint, bigint];
  const staked = parseEther("10") + stakeEach * BigInt(options.stakes);
  if (available < staked) {
    throw new Error(`the stake limit allows ${available} wei now; the load needs ${staked}`);
  }

  const deployHash = await wallet.deployContract({ abi, bytecode, args: [token], chain: undefined });
  const deployed = await local.publicClient.waitForTransactionReceipt({ hash: deployHash });
  const helper = deployed.contractAddress;
  if (!helper || deployed.status !== "success") throw new Error("the helper contract was not deployed");

  let nonce = await local.publicClient.getTransactionCount({ address: from });
  const hashes: Hex[] = [];
  let gasUsed = 0n;
  let confirmed = 0;
  // Receipts checked in order; at most WINDOW transactions in flight (anvil was seen to stop
  // mining with thousands of transactions queued in its pool).
  const WINDOW = 32;
  const confirm = async (upTo: number) => {
    for (; confirmed < upTo; confirmed++) {
      const hash = hashes[confirmed] as Hex;
      const receipt = await local.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
      if (receipt.status !== "success") throw new Error(`load transaction ${hash} reverted`);
      gasUsed += receipt.gasUsed;
    }
  };
  const send = async (functionName: string, args: unknown[], gas: bigint, value?: bigint) => {
    await confirm(hashes.length - WINDOW);
    hashes.push(
      (await wallet.writeContract({
        address: helper,
        abi,
        functionName,
        args,
        value,
        gas,
        nonce: nonce++,
        chain: undefined,
      } as never)) as Hex,
    );
  };
  // Shares for the transfers: a stake by the sender with the helper as receiver.
  hashes.push(
    await wallet.writeContract({
      address: token,
      abi: trETHAbi,
      functionName: "stake",
      args: [helper],
      value: parseEther("10"),
      nonce: nonce++,
      chain: undefined,
    }),
  );
  // Gas: a first credit of a pool address costs ~25k, a later one ~8k; 60k per call leaves room.
  const blockGas = 30_000_000n;
  const gasFor = (calls: number, each: bigint) => {
    const gas = 200_000n + BigInt(calls) * each;
    return gas < blockGas ? gas : blockGas;
  };
  for (let done = 0; done < options.transfers; done += options.perTx) {
    const count = Math.min(options.perTx, options.transfers - done);
    await send("spray", [BigInt(done), BigInt(count), BigInt(options.pool)], gasFor(count, 40_000n));
  }
  const stakesPerTx = Math.max(1, Math.floor(options.perTx / 5));
  for (let done = 0; done < options.stakes; done += stakesPerTx) {
    const count = Math.min(stakesPerTx, options.stakes - done);
    await send(
      "stakeMany",
      [BigInt(done * 7), BigInt(count), BigInt(options.pool)],
      gasFor(count, 120_000n),
      stakeEach * BigInt(count),
    );
  }
  await confirm(hashes.length);
  return { helper, transactions: hashes.length, gasUsed };
}
