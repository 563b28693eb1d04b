import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { measureOracleVoteDetailed } from "../../scripts/bench/oracle-vote.js";

/** DESIGN.md section 7: an oracle vote (per member, whole transaction) costs at most 45,000 gas. */
const ORACLE_VOTE_GAS_BAR = 45_000n;

describe("HashConsensus vote gas", () => {
  it("keeps every member vote under the bar, from the first frame on", async () => {
    const { firstFrame, steadyState } = await measureOracleVoteDetailed();
    for (const [frame, votes] of [
      ["first frame", firstFrame],
      ["steady state", steadyState],
    ] as const) {
      for (const [i, gas] of votes.entries()) {
        assert.ok(gas <= ORACLE_VOTE_GAS_BAR, `${frame}, vote ${i}: ${gas} gas > ${ORACLE_VOTE_GAS_BAR}`);
      }
    }
  });

  it("stays under the bar when one member dissents first", async () => {
    const { steadyState } = await measureOracleVoteDetailed({ dissenters: 1 });
    for (const [i, gas] of steadyState.entries()) {
      assert.ok(gas <= ORACLE_VOTE_GAS_BAR, `vote ${i}: ${gas} gas > ${ORACLE_VOTE_GAS_BAR}`);
    }
  });
});
