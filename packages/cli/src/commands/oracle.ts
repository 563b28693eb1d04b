import { getCommittee } from "@tributary/sdk";
import { connect } from "../context.js";
import { formatTime } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";

/** `tributary oracle status`: members, quorum, last report, next frame, whether the committee keeps up. */
export async function oracleStatus(options: GlobalOptions): Promise<void> {
  const { client, deployment } = await connect(options);
  const committee = await getCommittee(client, { deployment });
  const text = () => {
    const last = committee.lastReport;
    return [
      `Oracle committee: ${committee.members.length} members, quorum ${committee.quorum}`,
      ...committee.members.map((member) => `  ${member}`),
      committee.frame
        ? `Current frame    reference slot ${committee.frame.refSlot}, report due by slot ${committee.frame.deadlineSlot} (${formatTime(committee.frame.deadlineTime)}); ${committee.frame.consensusHash ? `consensus reached by ${committee.frame.support} members` : "no consensus yet"}`
        : "Current frame    none yet (the first frame has not started)",
      `Last report      ${last ? `reference slot ${last.refSlot}, block ${last.blockNumber}, ${formatTime(last.timestamp)}` : "none yet"}`,
      `Next frame       reference slot ${committee.nextFrame.refSlot} at ${formatTime(committee.nextFrame.time)}`,
      `Keeps up         ${committee.keepsUp ? "yes: every frame whose deadline has passed has its report applied" : `no: the last applied report is for slot ${committee.lastProcessedRefSlot}, and a later frame's deadline has passed`}`,
    ].join("\n");
  };
  output(options, text, { committee });
}
