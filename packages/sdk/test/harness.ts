/**
 * A fresh local chain for the SDK's tests: anvil with the real deployment (development admin,
 * oracle members 10-12 with quorum 2), and the scripted `Scenario` from the contracts' library to
 * add operators, deposit and apply reports with chosen figures.
 */
import { parseEther } from "viem";
import { type LocalProtocol, startLocalProtocol } from "../../../contracts/lib/bench.js";
import { devAccount } from "../../../contracts/lib/devkeys.js";
import { MEMBER_INDEXES, QUORUM, Scenario } from "../../../contracts/lib/scenario.js";
import type { Deployment } from "../src/deployment.js";

export interface TestProtocol {
  local: LocalProtocol;
  scenario: Scenario;
  deployment: Deployment;
  stop(): Promise<void>;
}

export async function startTestProtocol(options: { dailyStakeCap?: bigint } = {}): Promise<TestProtocol> {
  const members = MEMBER_INDEXES.map((i) => devAccount(i).address);
  const local = await startLocalProtocol({ ...options, oracle: { members, quorum: QUORUM } });
  const scenario = new Scenario(local);
  for (const member of members) await scenario.fund(member, parseEther("100"));
  return { local, scenario, deployment: local.deployment, stop: () => local.stop() };
}
