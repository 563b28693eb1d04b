import { useQuery } from "@tanstack/react-query";
import {
  claim,
  claimAll,
  getQueueState,
  getRate,
  quoteDex,
  requestRedeem,
  type Ticket,
  transferTicket,
} from "@tributary/sdk";
import { useId, useState } from "react";
import { isAddress } from "viem";
import type { Queue, WaitEstimate } from "../api.js";
import { Scroll } from "../components/Scroll.js";
import { useApp } from "../context.js";
import { sentence } from "../errors.js";
import { duration, eth, parseAmount, shortAddress, treth, when } from "../format.js";
import { useAccount, useApi, usePosition } from "../hooks.js";
import { HEADING } from "../pages.js";
import { TxStatus, useTransaction } from "../tx.js";

const ONE = 10n ** 18n;

export function Withdraw() {
  const { deployment } = useApp();
  const { address, wallet, client } = useAccount();
  const inputId = useId();
  const [text, setText] = useState("");
  const tx = useTransaction();
  const position = usePosition(address);
  const rate = useQuery({
    queryKey: ["rate", deployment.contracts.token],
    queryFn: () => getRate(client as never, { deployment }),
    enabled: !!client,
  });
  const queueState = useQuery({
    queryKey: ["queueState", deployment.contracts.withdrawalQueue],
    queryFn: () => getQueueState(client as never, { deployment }),
    enabled: !!client,
  });
  const shares = parseAmount(text);
  const ethValue = shares !== undefined && rate.data ? (shares * rate.data.ethPerTrETH) / ONE : undefined;
  const queue = useApi<Queue>(ethValue !== undefined ? `/v1/queue?amount=${ethValue}` : "/v1/queue");

  let problem: string | undefined;
  if (text.trim() !== "" && shares === undefined) problem = "Enter an amount of trETH, like 1.5.";
  else if (shares !== undefined && queueState.data?.paused)
    problem = "Withdrawals are paused for now: nothing can be requested.";
  else if (shares !== undefined && position.data && shares > position.data.shares)
    problem = `Your balance is too low: you hold ${treth(position.data.shares)}.`;

  const estimate = queue.data && !("error" in queue.data.waitEstimate) ? queue.data.waitEstimate : undefined;

  return (
    <section aria-labelledby="withdraw-title">
      <h1 id="withdraw-title">{HEADING.withdraw}</h1>
      <p>
        A request puts your trETH in the withdrawal queue and gives you a ticket (an NFT). A report of the
        oracle finalizes it once the protocol holds the ETH; then you claim the ETH. The ticket pays the rate
        at request, or the rate at finalization if that is lower.
      </p>
      {address ? (
        <p>
          You hold {position.data ? `${treth(position.data.shares)} (${eth(position.data.assets)})` : "…"}.
        </p>
      ) : (
        <p>Connect a wallet to request a withdrawal.</p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!wallet || shares === undefined || problem) return;
          void tx
            .send(() => requestRedeem(wallet as never, { deployment, shares }))
            .then((sent) => sent && setText(""));
        }}
      >
        <label htmlFor={inputId}>Amount to withdraw (trETH)</label>
        <input
          id={inputId}
          inputMode="decimal"
          autoComplete="off"
          placeholder="0.0"
          value={text}
          onChange={(event) => setText(event.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`${inputId}-help`}
        />
        <div id={`${inputId}-help`} aria-live="polite">
          {problem ? (
            <p className="error">{problem}</p>
          ) : ethValue !== undefined ? (
            <p>Worth {eth(ethValue)} at today's rate.</p>
          ) : null}
        </div>
        <button type="submit" disabled={!wallet || shares === undefined || !!problem || tx.busy}>
          Request withdrawal
        </button>
      </form>
      <TxStatus tx={tx} done={(block) => `Requested in block ${block}: your ticket is below.`} />

      <h2>How long it takes</h2>
      <WaitFigures estimate={estimate} error={queue.error ?? undefined} queue={queue.data} />
      <h2>Or sell on a DEX, now</h2>
      <DexQuote shares={shares} queueEth={ethValue} />

      <Tickets tickets={position.data?.tickets} loading={position.isLoading && !!address} />
    </section>
  );
}

/** The DEX beside the queue: what the trETH/WETH pool pays now for the amount typed (QuoterV2). */
function DexQuote({ shares, queueEth }: { shares: bigint | undefined; queueEth: bigint | undefined }) {
  const { deployment } = useApp();
  const { client } = useAccount();
  const amount = shares ?? 10n ** 18n;
  const quote = useQuery({
    queryKey: ["quoteDex", deployment.defi?.uniswap?.pool, amount.toString()],
    queryFn: () => quoteDex(client as never, { deployment, shares: amount }),
    enabled: !!client,
    refetchInterval: 12_000,
  });
  if (!deployment.defi?.uniswap) return <p>No trETH pool on this chain: the queue is the way out.</p>;
  if (quote.error) return <p className="error">{sentence(quote.error)}</p>;
  if (!quote.data) return <p>…</p>;
  const { dex, reason } = quote.data;
  if (!dex) return <p>No DEX quote: {reason}.</p>;
  const queue = shares === undefined ? undefined : queueEth;
  return (
    <p>
      Selling {treth(amount)} on the Uniswap v3 trETH/WETH pool pays <strong>{eth(dex.amountOut)}</strong> (as
      WETH) at once: {(Number(dex.rate) / 1e18).toFixed(6)} ETH per trETH,{" "}
      {(dex.priceImpact * 100).toFixed(3)}% below the pool's price (its {(dex.fee * 100).toFixed(2)}% fee
      included), about {dex.gasEstimate.toLocaleString("en-US")} gas.
      {queue !== undefined
        ? queue > dex.amountOut
          ? ` The queue pays ${eth(queue - dex.amountOut)} more, after the wait above.`
          : ` The DEX pays ${eth(dex.amountOut - queue)} more than the queue.`
        : ""}
    </p>
  );
}

function WaitFigures({
  estimate,
  error,
  queue,
}: {
  estimate: WaitEstimate | undefined;
  error: Error | undefined;
  queue: Queue | undefined;
}) {
  if (error) return <p className="error">{sentence(error)}</p>;
  if (!queue) return <p>…</p>;
  if ("error" in queue.waitEstimate) return <p>No estimate now: {queue.waitEstimate.error}</p>;
  return (
    <>
      <p>
        With {eth(BigInt(queue.pending.ethEstimate), 4)} queued ahead ({queue.pending.requests} request
        {queue.pending.requests === 1 ? "" : "s"}), a request made now is expected to be finalized in{" "}
        <strong>
          {duration(estimate?.minSeconds)} to {duration(estimate?.maxSeconds)}
        </strong>
        {estimate?.exitsNeeded ? ", validators must exit for it" : ""}.
      </p>
      <details>
        <summary>What the estimate is based on</summary>
        <ul>
          {estimate?.basis.map((b) => (
            <li key={b.part}>
              <strong>{b.part}</strong>: {b.detail}
            </li>
          ))}
        </ul>
      </details>
    </>
  );
}

function Tickets({ tickets, loading }: { tickets: Ticket[] | undefined; loading: boolean }) {
  const { deployment } = useApp();
  const { wallet } = useAccount();
  const tx = useTransaction();
  if (loading) return <p>Reading your tickets…</p>;
  if (!tickets) return null;
  const claimable = tickets.filter((t) => t.status === "finalized");
  const total = claimable.reduce((sum, t) => sum + t.claimable, 0n);
  return (
    <section aria-labelledby="tickets-title">
      <h2 id="tickets-title">Your tickets</h2>
      {tickets.length === 0 ? (
        <p>No tickets yet.</p>
      ) : (
        <>
          <Scroll label="Your tickets">
            <table>
              <thead>
                <tr>
                  <th scope="col">Ticket</th>
                  <th scope="col">Status</th>
                  <th scope="col">trETH</th>
                  <th scope="col">ETH</th>
                  <th scope="col">Requested</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {[...tickets].reverse().map((t) => (
                  <tr key={t.requestId.toString()}>
                    <td>#{t.requestId.toString()}</td>
                    <td>
                      {t.status === "pending"
                        ? `waiting (${treth(t.sharesAhead, 4)} ahead)`
                        : t.status === "finalized"
                          ? "ready to claim"
                          : "claimed"}
                    </td>
                    <td>{treth(t.shares)}</td>
                    <td>{t.status === "pending" ? `about ${eth(t.assets)}` : eth(t.assets)}</td>
                    <td>{when(t.requestedAt)}</td>
                    <td>
                      {t.status === "finalized" ? (
                        <button
                          type="button"
                          disabled={!wallet || tx.busy}
                          onClick={() =>
                            void tx.send(() => claim(wallet as never, { deployment, requestId: t.requestId }))
                          }
                        >
                          Claim {eth(t.claimable)}
                        </button>
                      ) : t.status === "pending" ? (
                        <SendTicket ticket={t} />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
          {claimable.length > 1 ? (
            <button
              type="button"
              disabled={!wallet || tx.busy}
              onClick={() => void tx.send(() => claimAll(wallet as never, { deployment }))}
            >
              Claim all: {eth(total)} from {claimable.length} tickets
            </button>
          ) : null}
          <TxStatus tx={tx} done={(block) => `Claimed in block ${block}: the ETH is in your wallet.`} />
        </>
      )}
    </section>
  );
}

/** A ticket can be given to another address, which then claims it. */
function SendTicket({ ticket }: { ticket: Ticket }) {
  const { deployment } = useApp();
  const { wallet, address } = useAccount();
  const tx = useTransaction();
  const [open, setOpen] = useState(false);
  const [to, setTo] = useState("");
  const id = useId();
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Send ticket
      </button>
    );
  const trimmed = to.trim();
  const problem =
    trimmed === ""
      ? undefined
      : !isAddress(trimmed)
        ? "Enter an address: 0x and 40 hexadecimal digits."
        : address && trimmed.toLowerCase() === address.toLowerCase()
          ? "This is your own address: the ticket is already yours."
          : undefined;
  return (
    <form
      className="inline"
      onSubmit={(event) => {
        event.preventDefault();
        if (!wallet || problem || trimmed === "") return;
        void tx.send(() =>
          transferTicket(wallet as never, {
            deployment,
            requestId: ticket.requestId,
            to: trimmed as `0x${string}`,
          }),
        );
      }}
    >
      <label htmlFor={id}>Send ticket #{ticket.requestId.toString()} to</label>
      <input
        id={id}
        value={to}
        placeholder="0x…"
        autoComplete="off"
        onChange={(event) => setTo(event.target.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-help`}
      />
      <div id={`${id}-help`} aria-live="polite">
        {problem ? <p className="error">{problem}</p> : null}
      </div>
      <button type="submit" disabled={!wallet || !!problem || trimmed === "" || tx.busy}>
        Send
      </button>
      <TxStatus tx={tx} done={(block) => `Sent to ${shortAddress(trimmed)} in block ${block}.`} />
    </form>
  );
}
