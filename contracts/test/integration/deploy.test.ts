import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  type Address,
  encodeAbiParameters,
  type Hex,
  keccak256,
  parseEther,
  parseEventLogs,
  stringToHex,
  zeroAddress,
} from "viem";
import { startAnvil } from "../../lib/anvil.js";
import { loadArtifact } from "../../lib/artifacts.js";
import { freePort, type LocalProtocol, startLocalProtocol } from "../../lib/bench.js";
import { startConsensus } from "../../lib/consensus.js";
import type { Deployment } from "../../lib/deploy.js";
import { DEV_ROLES, devAccount } from "../../lib/devkeys.js";

const contractsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Deterministic fake key material: the deposit contract checks lengths and the data root, not BLS. */
function fakeKeys(
  salt: number,
  count: number,
): { pubkeys: Hex; signatures: Hex; list: { pubkey: Hex; signature: Hex }[] } {
  const list = Array.from({ length: count }, (_, i) => {
    const seed = keccak256(`0x${(salt * 1000 + i).toString(16).padStart(8, "0")}`);
    const pubkey = `0x${(seed.slice(2) + keccak256(seed).slice(2)).slice(0, 96)}` as Hex;
    const signature =
      `0x${[1, 2, 3].map((j) => keccak256(`${seed}${j.toString(16).padStart(2, "0")}` as Hex).slice(2)).join("")}` as Hex;
    return { pubkey, signature };
  });
  return {
    pubkeys: `0x${list.map((k) => k.pubkey.slice(2)).join("")}`,
    signatures: `0x${list.map((k) => k.signature.slice(2)).join("")}`,
    list,
  };
}

describe("deployment on a local anvil node", () => {
  let local: LocalProtocol;

  before(async () => {
    local = await startLocalProtocol();
  });
  after(async () => {
    await local?.stop();
  });

  it("writes every named address and wires the modules", async () => {
    const c = local.deployment.contracts;
    for (const key of [
      "token",
      "operatorRegistry",
      "depositContract",
      "withdrawalVault",
      "weth",
      "timelock",
    ]) {
      assert.match(c[key as keyof typeof c], /^0x[0-9a-fA-F]{40}$/, `${key} address`);
      const code = await local.publicClient.getCode({ address: c[key as keyof typeof c] });
      assert.ok(code && code.length > 2, `${key} has code`);
    }
    const abi = loadArtifact("TrETH").abi;
    const modules = (await local.publicClient.readContract({
      address: c.token,
      abi,
      functionName: "modules",
    })) as {
      depositor: Address;
    };
    assert.equal(
      modules.depositor.toLowerCase(),
      c.depositSecurity.toLowerCase(),
      "token's depositor is the deposit module",
    );
    const governance = await local.publicClient.readContract({
      address: c.token,
      abi,
      functionName: "governance",
    });
    assert.equal(
      (governance as Address).toLowerCase(),
      c.timelock.toLowerCase(),
      "timelock governs the token",
    );
  });

  it("stakes, registers an operator, vets keys by guardian quorum and deposits 32 ETH per key", async () => {
    const c = local.deployment.contracts;
    const trETH = loadArtifact("TrETH").abi;
    const registryAbi = loadArtifact("OperatorRegistry").abi;
    const securityAbi = loadArtifact("DepositSecurity").abi;
    const staker = local.wallet(DEV_ROLES.firstUser);
    const operator = local.wallet(DEV_ROLES.firstUser + 4);
    const write = (
      wallet: typeof staker,
      address: Address,
      abi: typeof trETH,
      functionName: string,
      args: unknown[],
      value?: bigint,
    ) => wallet.writeContract({ address, abi, functionName, args, value, chain: undefined } as never);
    const read = (address: Address, abi: typeof trETH, functionName: string, args: unknown[] = []) =>
      local.publicClient.readContract({ address, abi, functionName, args } as never) as Promise<unknown>;

    await local.gasOf(
      await write(staker, c.token, trETH, "stake", [staker.account.address], parseEther("64")),
    );
    const id = (await read(c.operatorRegistry, registryAbi, "operatorCount")) as bigint;
    await local.gasOf(
      await write(operator, c.operatorRegistry, registryAbi, "registerOperator", [
        operator.account.address,
        500,
      ]),
    );
    const keys = fakeKeys(7, 2);
    await local.gasOf(
      await write(
        operator,
        c.operatorRegistry,
        registryAbi,
        "addKeys",
        [id, keys.pubkeys, keys.signatures],
        parseEther("8"),
      ),
    );

    const chainId = await local.publicClient.getChainId();
    const domain = {
      name: "Tributary DepositSecurity",
      version: "1",
      chainId,
      verifyingContract: c.depositSecurity,
    };
    const guardians = DEV_ROLES.guardians
      .map((i) => local.wallet(i))
      .sort((a, b) => (BigInt(a.account.address) < BigInt(b.account.address) ? -1 : 1))
      .slice(0, 2);
    const op = (await read(c.operatorRegistry, registryAbi, "getOperator", [id])) as { keysNonce: number };
    const vetSigs = await Promise.all(
      guardians.map((g) =>
        g.signTypedData({
          domain,
          types: {
            Vet: [
              { name: "operatorId", type: "uint256" },
              { name: "vettedKeys", type: "uint256" },
              { name: "keysNonce", type: "uint256" },
            ],
          },
          primaryType: "Vet",
          message: { operatorId: id, vettedKeys: 2n, keysNonce: BigInt(op.keysNonce) },
        }),
      ),
    );
    await local.gasOf(
      await write(staker, c.depositSecurity, securityAbi, "vetKeys", [id, 2n, BigInt(op.keysNonce), vetSigs]),
    );

    const depositAbi = loadArtifact("DepositContract").abi;
    const root = (await read(c.depositContract, depositAbi, "get_deposit_root")) as Hex;
    const nonce = (await read(c.depositSecurity, securityAbi, "depositNonce")) as bigint;
    const allocation = encodeAbiParameters([{ type: "uint256[]" }, { type: "uint256[]" }], [[id], [2n]]);
    const depositSigs = await Promise.all(
      guardians.map((g) =>
        g.signTypedData({
          domain,
          types: {
            Deposit: [
              { name: "depositRoot", type: "bytes32" },
              { name: "nonce", type: "uint256" },
              { name: "allocationHash", type: "bytes32" },
            ],
          },
          primaryType: "Deposit",
          message: { depositRoot: root, nonce, allocationHash: keccak256(allocation) },
        }),
      ),
    );
    const batch = {
      depositRoot: root,
      nonce,
      operatorIds: [id],
      counts: [2n],
      pubkeys: keys.pubkeys,
      keySignatures: keys.signatures,
    };
    const hash = await write(staker, c.depositSecurity, securityAbi, "deposit", [batch, depositSigs]);
    const receipt = await local.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success", "deposit succeeded");
    const events = parseEventLogs({
      abi: depositAbi,
      logs: receipt.logs,
      eventName: "DepositEvent",
    }) as unknown as {
      args: { pubkey: Hex; withdrawal_credentials: Hex; amount: Hex };
    }[];
    assert.equal(events.length, 2, "two DepositEvent logs");
    const credentials = (await read(c.operatorRegistry, registryAbi, "withdrawalCredentials")) as Hex;
    assert.equal(events[0]?.args.pubkey, keys.list[0]?.pubkey, "first key deposited");
    assert.equal(
      events[0]?.args.withdrawal_credentials,
      credentials,
      "credentials point to the withdrawal vault",
    );
    assert.equal(events[0]?.args.amount, "0x0040597307000000", "32 ETH in gwei, little-endian");
    assert.equal(
      await local.publicClient.getBalance({ address: c.depositContract }),
      parseEther("64"),
      "64 ETH deposited",
    );
    assert.equal(await read(c.token, trETH, "beaconAssets"), parseEther("64"), "beacon assets");
  });
});

describe("deploy script", () => {
  it("refuses to run on a public chain without a key from the environment", async () => {
    const node = await startAnvil(await freePort(), ["--chain-id", "11155111", "--silent"]);
    try {
      const env = { ...process.env };
      delete env.DEPLOYER_PRIVATE_KEY;
      const result = spawnSync(
        join(contractsDir, "..", "node_modules", ".bin", "tsx"),
        ["scripts/deploy.ts", "--rpc-url", node.url],
        {
          cwd: contractsDir,
          env,
          encoding: "utf8",
        },
      );
      assert.equal(result.status, 2, "exit code 2");
      assert.match(result.stderr, /not a development chain: set DEPLOYER_PRIVATE_KEY/, "names the problem");
      const withDevKey = spawnSync(
        join(contractsDir, "..", "node_modules", ".bin", "tsx"),
        ["scripts/deploy.ts", "--rpc-url", node.url],
        {
          cwd: contractsDir,
          env: {
            ...env,
            DEPLOYER_PRIVATE_KEY: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
          },
          encoding: "utf8",
        },
      );
      assert.equal(withDevKey.status, 2, "dev key refused");
      assert.match(withDevKey.stderr, /refusing the public development key/, "says why");

      // Hand-over flags on a public chain (refused before anything is sent).
      const publicRun = (extra: string[]) =>
        spawnSync(
          join(contractsDir, "..", "node_modules", ".bin", "tsx"),
          ["scripts/deploy.ts", "--rpc-url", node.url, "--guardians", devAccount(1).address, ...extra],
          {
            cwd: contractsDir,
            env: { ...env, DEPLOYER_PRIVATE_KEY: keccak256(stringToHex("not a development key")) },
            encoding: "utf8",
          },
        );
      const noCommittee = publicRun([]);
      assert.equal(noCommittee.status, 2, "no emergency committee refused");
      assert.match(
        noCommittee.stderr,
        /--emergency-committee is required on public chains/,
        "names the flag",
      );
      const devAdmin = publicRun(["--emergency-committee", "none", "--dev-admin"]);
      assert.equal(devAdmin.status, 2, "--dev-admin refused on a public chain");
      assert.match(devAdmin.stderr, /--dev-admin is for development chains only/, "says why");
      const noSeed = publicRun(["--emergency-committee", "none", "--seed", "0"]);
      assert.equal(noSeed.status, 2, "a seed below trETH's minimum refused");
      assert.match(noSeed.stderr, /--seed must be ETH with at most 18 decimals, at least 0.000000001, got 0/);
    } finally {
      await node.stop();
    }
  });

  it("takes the committee's chain from a Beacon API and seats the oracle members", async () => {
    const local = await startLocalProtocol();
    const out = mkdtempSync(join(tmpdir(), "tributary-deploy-"));
    const consensus = await startConsensus({
      elRpc: local.url,
      port: await freePort(),
      depositContract: local.deployment.contracts.depositContract,
      slotTime: 2,
      logFile: join(out, "consensus.log"),
      extraArgs: ["--data-dir", "none", "--devnet-timing"],
    });
    try {
      const tsx = join(contractsDir, "..", "node_modules", ".bin", "tsx");
      const members = [20, 21, 22].map((i) => devAccount(i).address);
      const run = (extra: string[]) =>
        spawnSync(tsx, ["scripts/deploy.ts", "--rpc-url", local.url, "--out", out, ...extra], {
          cwd: contractsDir,
          encoding: "utf8",
        });

      const badQuorum = run(["--oracle-members", members.join(","), "--oracle-quorum", "1"]);
      assert.equal(badQuorum.status, 2, "a minority quorum is refused");
      assert.match(badQuorum.stderr, /--oracle-quorum must be a majority of the 3 oracle members, got 1/);
      const unreachable = run(["--beacon-url", "http://127.0.0.1:9"]);
      assert.equal(unreachable.status, 2, "an unreachable Beacon API is refused");
      assert.match(unreachable.stderr, /cannot reach the Beacon API at http:\/\/127\.0\.0\.1:9/);

      const result = run([
        "--beacon-url",
        consensus.url,
        "--oracle-members",
        members.join(","),
        "--oracle-quorum",
        "2",
        "--epochs-per-frame",
        "10",
        "--deposit-contract",
        local.deployment.contracts.depositContract,
      ]);
      assert.equal(result.status, 0, result.stderr);
      const deployment = JSON.parse(readFileSync(join(out, "31337.json"), "utf8")) as {
        contracts: { hashConsensus: Address };
      };
      const genesis = (await (await fetch(`${consensus.url}/eth/v1/beacon/genesis`)).json()) as {
        data: { genesis_time: string };
      };
      const spec = (await (await fetch(`${consensus.url}/eth/v1/config/spec`)).json()) as {
        data: { SECONDS_PER_SLOT: string; SLOTS_PER_EPOCH: string };
      };
      const abi = loadArtifact("HashConsensus").abi;
      const read = (functionName: string) =>
        local.publicClient.readContract({ address: deployment.contracts.hashConsensus, abi, functionName });
      const [slotsPerEpoch, secondsPerSlot, genesisTime] = (await read("getChainConfig")) as bigint[];
      assert.equal(genesisTime, BigInt(genesis.data.genesis_time), "genesis time from the Beacon API");
      assert.equal(
        secondsPerSlot,
        BigInt(spec.data.SECONDS_PER_SLOT),
        "seconds per slot from the Beacon API",
      );
      assert.equal(slotsPerEpoch, BigInt(spec.data.SLOTS_PER_EPOCH), "slots per epoch from the Beacon API");
      const [, epochsPerFrame] = (await read("getFrameConfig")) as bigint[];
      assert.equal(epochsPerFrame, 10n, "frame length");
      assert.deepEqual(
        ((await read("getMembers")) as Address[]).map((m) => m.toLowerCase()).sort(),
        members.map((m) => m.toLowerCase()).sort(),
        "members seated",
      );
      assert.equal(await read("getQuorum"), 2n, "quorum");
    } finally {
      await consensus.stop();
      await local.stop();
    }
  });

  it("keeps the development admin on development chains, printed, and hands over with --no-dev-admin", async () => {
    const local = await startLocalProtocol();
    const out = mkdtempSync(join(tmpdir(), "tributary-deploy-"));
    try {
      const tsx = join(contractsDir, "..", "node_modules", ".bin", "tsx");
      const run = (extra: string[]) => {
        const result = spawnSync(tsx, ["scripts/deploy.ts", "--rpc-url", local.url, "--out", out, ...extra], {
          cwd: contractsDir,
          encoding: "utf8",
        });
        assert.equal(result.status, 0, result.stderr);
        const deployment = JSON.parse(readFileSync(join(out, "31337.json"), "utf8")) as Deployment;
        return { stdout: result.stdout, deployment };
      };
      const timelockAbi = loadArtifact("TributaryTimelock").abi;
      const hasRole = (deployment: Deployment, name: string, account: Address) =>
        local.publicClient.readContract({
          address: deployment.contracts.timelock,
          abi: timelockAbi,
          functionName: "hasRole",
          args: [keccak256(stringToHex(name)), account],
        });

      const dev = run([]);
      assert.match(dev.stdout, /dev admin: ON/, "the development admin is printed");
      assert.equal(dev.deployment.handover.devAdmin, true, "and written");
      for (const name of ["PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"]) {
        assert.equal(await hasRole(dev.deployment, name, dev.deployment.deployer), true, `deployer ${name}`);
        assert.equal(
          await hasRole(dev.deployment, name, dev.deployment.contracts.governor),
          true,
          `governor ${name}`,
        );
      }

      const handedOver = run([
        "--no-dev-admin",
        "--open-execution",
        "--seed",
        "1.5",
        "--governor-min-quorum",
        "250",
      ]);
      const d = handedOver.deployment;
      assert.match(handedOver.stdout, /dev admin: off/, "printed");
      assert.match(handedOver.stdout, /executes: anyone/, "open execution printed");
      for (const name of ["PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"]) {
        assert.equal(await hasRole(d, name, d.deployer), false, `deployer holds no ${name}`);
      }
      assert.equal(await hasRole(d, "PROPOSER_ROLE", d.contracts.governor), true, "the governor proposes");
      assert.equal(await hasRole(d, "EXECUTOR_ROLE", zeroAddress), true, "anyone executes");
      assert.equal(
        await hasRole(d, "EXECUTOR_ROLE", d.contracts.governor),
        false,
        "no executor besides anyone",
      );
      const trETH = loadArtifact("TrETH").abi;
      assert.equal(
        await local.publicClient.readContract({
          address: d.contracts.token,
          abi: trETH,
          functionName: "totalSupply",
        }),
        parseEther("1.5"),
        "--seed",
      );
      const now = (await local.publicClient.getBlock()).timestamp;
      assert.equal(
        await local.publicClient.readContract({
          address: d.contracts.governor,
          abi: loadArtifact("TributaryGovernor").abi,
          functionName: "minimumQuorum",
          args: [now],
        }),
        parseEther("250"),
        "--governor-min-quorum",
      );
      assert.equal(d.handover.seed, parseEther("1.5").toString(), "seed written");
    } finally {
      await local.stop();
    }
  });

  it("lists the hand-over flags in --help", () => {
    const result = spawnSync(
      join(contractsDir, "..", "node_modules", ".bin", "tsx"),
      ["scripts/deploy.ts", "--help"],
      { cwd: contractsDir, encoding: "utf8" },
    );
    assert.equal(result.status, 0, "exit code 0");
    for (const flag of [
      "--emergency-committee",
      "--open-execution",
      "--dev-admin",
      "--no-dev-admin",
      "--seed",
      "--governor-min-quorum",
    ]) {
      assert.ok(result.stdout.includes(flag), `--help lists ${flag}`);
    }
  });

  it("rejects bad flags with a clear message", () => {
    const result = spawnSync(join(contractsDir, "..", "node_modules", ".bin", "tsx"), ["scripts/deploy.ts"], {
      cwd: contractsDir,
      encoding: "utf8",
    });
    assert.equal(result.status, 2, "exit code 2");
    assert.match(result.stderr, /--rpc-url is required/, "names the missing flag");
  });
});
