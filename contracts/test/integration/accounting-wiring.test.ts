import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Abi, type Address, keccak256, stringToHex, zeroHash } from "viem";
import { loadArtifact } from "../../lib/artifacts.js";
import { type LocalProtocol, startLocalProtocol } from "../../lib/bench.js";
import { devAccount } from "../../lib/devkeys.js";

const role = (name: string) => keccak256(stringToHex(name));

describe("accounting wiring of a local deployment", () => {
  let local: LocalProtocol;
  const members = [10, 11, 12].map((i) => devAccount(i).address);

  before(async () => {
    local = await startLocalProtocol({ oracle: { members, quorum: 2 } });
  });
  after(async () => {
    await local?.stop();
  });

  const read = <T>(address: Address, abi: Abi, functionName: string, args: unknown[] = []) =>
    local.publicClient.readContract({ address, abi, functionName, args }) as Promise<T>;

  it("wires the accounting module into trETH, the vault and the registry", async () => {
    const c = local.deployment.contracts;
    const modules = await read<{ accounting: Address }>(c.token, loadArtifact("TrETH").abi, "modules");
    assert.equal(modules.accounting.toLowerCase(), c.accounting.toLowerCase(), "trETH's accounting module");
    for (const [name, address] of [
      ["WithdrawalVault", c.withdrawalVault],
      ["OperatorRegistry", c.operatorRegistry],
    ] as const) {
      const has = await read<boolean>(address, loadArtifact(name).abi, "hasRole", [
        role("ACCOUNTING_ROLE"),
        c.accounting,
      ]);
      assert.ok(has, `${name} grants the accounting role`);
    }
    const accountingAbi = loadArtifact("Accounting").abi;
    assert.equal(
      (await read<Address>(c.accounting, accountingAbi, "withdrawalQueue")).toLowerCase(),
      c.withdrawalQueue.toLowerCase(),
      "finalizes in the withdrawal queue",
    );
    assert.equal(
      (await read<Address>(c.accounting, accountingAbi, "rewardsDistributor")).toLowerCase(),
      c.rewardsDistributor.toLowerCase(),
      "fees go to the distributor",
    );
    assert.ok(
      await read<boolean>(c.accounting, accountingAbi, "hasRole", [zeroHash, c.timelock]),
      "timelock owns it",
    );
  });

  it("seats the oracle members and hands the committee to the timelock", async () => {
    const c = local.deployment.contracts;
    const abi = loadArtifact("HashConsensus").abi;
    const seated = await read<Address[]>(c.hashConsensus, abi, "getMembers");
    assert.deepEqual(
      seated.map((a) => a.toLowerCase()).sort(),
      members.map((a) => a.toLowerCase()).sort(),
      "members",
    );
    assert.equal(await read<bigint>(c.hashConsensus, abi, "getQuorum"), 2n, "quorum");
    assert.ok(await read<boolean>(c.hashConsensus, abi, "hasRole", [zeroHash, c.timelock]), "timelock admin");
    for (const name of ["MANAGE_MEMBERS_ROLE", "MANAGE_FRAME_CONFIG_ROLE"]) {
      assert.ok(
        await read<boolean>(c.hashConsensus, abi, "hasRole", [role(name), c.timelock]),
        `timelock ${name}`,
      );
    }
    assert.ok(
      !(await read<boolean>(c.hashConsensus, abi, "hasRole", [zeroHash, local.deployment.deployer])),
      "deployer renounced",
    );
  });

  it("lets the governor propose to the timelock", async () => {
    const c = local.deployment.contracts;
    const abi = loadArtifact("TributaryTimelock").abi;
    assert.ok(
      await read<boolean>(c.timelock, abi, "hasRole", [role("PROPOSER_ROLE"), c.governor]),
      "governor proposes",
    );
    const governorAbi = loadArtifact("TributaryGovernor").abi;
    assert.equal(
      (await read<Address>(c.governor, governorAbi, "token")).toLowerCase(),
      c.token.toLowerCase(),
      "votes with trETH",
    );
  });
});
