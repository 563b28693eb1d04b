import { useQuery } from "@tanstack/react-query";
import { castVote, delegate, getProposals, type Proposal } from "@tributary/sdk";
import { useId, useState } from "react";
import { isAddress, zeroAddress } from "viem";
import { useApp } from "../context.js";
import { sentence } from "../errors.js";
import { shortAddress, treth, when } from "../format.js";
import { useAccount, usePosition } from "../hooks.js";
import { HEADING } from "../pages.js";
import { TxStatus, useTransaction } from "../tx.js";

export function Governance() {
  const { deployment } = useApp();
  const { address, wallet, client } = useAccount();
  const position = usePosition(address);
  const tx = useTransaction();
  const inputId = useId();
  const [to, setTo] = useState("");
  const proposals = useQuery({
    queryKey: ["proposals", deployment.contracts.governor, address],
    queryFn: () => getProposals(client as never, { deployment, voter: address }),
    enabled: !!client,
  });
  const trimmed = to.trim();
  const problem =
    trimmed !== "" && !isAddress(trimmed) ? "Enter an address: 0x and 40 hexadecimal digits." : undefined;
  const p = position.data;
  return (
    <section aria-labelledby="governance-title">
      <h1 id="governance-title">{HEADING.governance}</h1>
      <p>
        trETH votes on the protocol's changes. A balance votes only once delegated, to yourself or to someone
        you trust; delegating moves no tokens.
      </p>
      {address ? (
        <p>
          Your voting power: {p ? treth(p.votes) : "…"}.{" "}
          {p
            ? p.delegate === zeroAddress
              ? "Your balance is not delegated yet, so it does not vote."
              : p.delegate.toLowerCase() === address.toLowerCase()
                ? "Your balance votes through you."
                : `Your balance votes through ${shortAddress(p.delegate)}.`
            : ""}
        </p>
      ) : (
        <p>Connect a wallet to delegate and vote.</p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!wallet || !address || problem) return;
          const delegatee = (trimmed === "" ? address : trimmed) as `0x${string}`;
          void tx.send(() => delegate(wallet as never, { deployment, delegatee }));
        }}
      >
        <label htmlFor={inputId}>Delegate to (empty: yourself)</label>
        <input
          id={inputId}
          value={to}
          placeholder={address ?? "0x…"}
          autoComplete="off"
          onChange={(event) => setTo(event.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`${inputId}-help`}
        />
        <div id={`${inputId}-help`} aria-live="polite">
          {problem ? <p className="error">{problem}</p> : null}
        </div>
        <button type="submit" disabled={!wallet || !!problem || tx.busy}>
          Delegate
        </button>
      </form>
      <TxStatus tx={tx} done={(block) => `Delegated in block ${block}.`} />
      <h2>Proposals</h2>
      {proposals.error ? <p className="error">{sentence(proposals.error)}</p> : null}
      {proposals.data?.length === 0 ? <p>No proposal yet.</p> : null}
      {proposals.data?.map((proposal) => (
        <ProposalCard key={proposal.proposalId.toString()} proposal={proposal} />
      ))}
    </section>
  );
}

function ProposalCard({ proposal }: { proposal: Proposal }) {
  const { deployment } = useApp();
  const { wallet } = useAccount();
  const tx = useTransaction();
  const [title, ...rest] = proposal.description.split("\n");
  const { votes } = proposal;
  return (
    <article className="card">
      <h3>{title}</h3>
      {rest.length > 0 ? <p>{rest.join(" ").trim()}</p> : null}
      <p>
        {proposal.state}; voting {when(proposal.voteStart)} to {when(proposal.voteEnd)}; by{" "}
        {shortAddress(proposal.proposer)}.
      </p>
      <p>
        For {treth(votes.for, 2)}, against {treth(votes.against, 2)}, abstain {treth(votes.abstain, 2)}{" "}
        (quorum {treth(proposal.quorum, 2)} of for and abstain,{" "}
        {votes.for + votes.abstain >= proposal.quorum ? "reached" : "not reached"}).
      </p>
      {proposal.state === "active" ? (
        proposal.hasVoted ? (
          <p>You have voted.</p>
        ) : (
          <div className="actions">
            {(["for", "against", "abstain"] as const).map((support) => (
              <button
                key={support}
                type="button"
                disabled={!wallet || tx.busy}
                onClick={() =>
                  void tx.send(() =>
                    castVote(wallet as never, { deployment, proposalId: proposal.proposalId, support }),
                  )
                }
              >
                Vote {support}
              </button>
            ))}
          </div>
        )
      ) : null}
      <TxStatus tx={tx} done={(block) => `Vote counted in block ${block}.`} />
    </article>
  );
}
