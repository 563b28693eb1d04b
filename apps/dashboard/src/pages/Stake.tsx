import { useQuery } from "@tanstack/react-query";
import { estimateStakeGas, getRate, getStakeLimit, simulateStake, stake } from "@tributary/sdk";
import { useId, useState } from "react";
import { useBalance, useGasPrice } from "wagmi";
import { apiGet, type Stats } from "../api.js";
import { useApp } from "../context.js";
import { sentence } from "../errors.js";
import { eth, parseAmount, percent, treth } from "../format.js";
import { useAccount, usePosition } from "../hooks.js";
import { HEADING } from "../pages.js";
import { TxStatus, useTransaction } from "../tx.js";

const ONE = 10n ** 18n;

export function Stake() {
  const { config, deployment } = useApp();
  const { address, wallet, client } = useAccount();
  const inputId = useId();
  const [text, setText] = useState("");
  const tx = useTransaction();

  const rate = useQuery({
    queryKey: ["rate", deployment.contracts.token],
    queryFn: () => getRate(client as never, { deployment }),
    enabled: !!client,
  });
  const limit = useQuery({
    queryKey: ["stakeLimit", deployment.contracts.token],
    queryFn: () => getStakeLimit(client as never, { deployment }),
    enabled: !!client,
  });
  const stats = useQuery({
    queryKey: ["stats", config.apiUrl],
    queryFn: ({ signal }) => apiGet<Stats>(config.apiUrl, "/v1/stats", signal),
  });
  const balance = useBalance({ address, query: { enabled: !!address } });
  const position = usePosition(address);
  const gasPrice = useGasPrice();
  const amount = parseAmount(text);
  const receive = useQuery({
    queryKey: ["simulateStake", address, amount?.toString()],
    queryFn: async () =>
      (await simulateStake(wallet as never, { deployment, amount: amount as bigint })).result,
    enabled: !!wallet && amount !== undefined,
    retry: false,
  });
  const gas = useQuery({
    queryKey: ["stakeGas", address, amount?.toString()],
    queryFn: () => estimateStakeGas(wallet as never, { deployment, amount: amount as bigint }),
    enabled: !!wallet && amount !== undefined,
    retry: false,
  });

  // What stops a stake before anything is sent, as a sentence.
  let problem: string | undefined;
  if (text.trim() !== "" && amount === undefined) problem = "Enter an amount of ETH, like 1.5.";
  else if (amount !== undefined && limit.data?.paused)
    problem = "Staking is paused for now: nothing can be staked.";
  else if (amount !== undefined && limit.data && !limit.data.unlimited && amount > limit.data.available) {
    problem = `${eth(amount)} is above the stake limit: ${eth(limit.data.available)} can be staked now (the limit refills over the day).`;
  } else if (amount !== undefined && balance.data && amount > balance.data.value) {
    problem = `Your balance is too low: you have ${eth(balance.data.value)}.`;
  }

  const expected =
    receive.data ?? (amount !== undefined && rate.data ? (amount * rate.data.trETHPerEth) / ONE : undefined);

  function onStake() {
    if (!wallet || amount === undefined || problem) return;
    void tx.send(() => stake(wallet as never, { deployment, amount })).then((sent) => sent && setText(""));
  }

  return (
    <section aria-labelledby="stake-title">
      <h1 id="stake-title">{HEADING.stake}</h1>
      <dl className="figures">
        <div>
          <dt>Rate</dt>
          <dd>
            {rate.data
              ? `1 trETH = ${eth(rate.data.ethPerTrETH, 6)}`
              : rate.error
                ? sentence(rate.error)
                : "…"}
          </dd>
        </div>
        <div>
          <dt>APR (7 days)</dt>
          <dd>
            {stats.data ? percent(stats.data.apr.apr7d) : stats.error ? sentence(stats.error) : "…"}
            {stats.data ? (
              <details>
                <summary>How it is computed</summary>
                <p>{stats.data.apr.method}</p>
              </details>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Stake limit left today</dt>
          <dd>{limit.data ? (limit.data.unlimited ? "no limit" : eth(limit.data.available, 4)) : "…"}</dd>
        </div>
        <div>
          <dt>Fee on staking</dt>
          <dd>none: you receive trETH at the rate</dd>
        </div>
      </dl>
      {address ? (
        <p>
          You hold {position.data ? `${treth(position.data.shares)} (${eth(position.data.assets)})` : "…"} and{" "}
          {balance.data ? eth(balance.data.value, 4) : "…"}.
        </p>
      ) : (
        <p>Connect a wallet to stake.</p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onStake();
        }}
      >
        <label htmlFor={inputId}>Amount to stake (ETH)</label>
        <input
          id={inputId}
          name="amount"
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
          ) : expected !== undefined ? (
            <p>
              You receive {treth(expected)}
              {gas.data && gasPrice.data ? `, for about ${eth(gas.data * gasPrice.data, 6)} of gas` : ""}.
            </p>
          ) : null}
        </div>
        <button type="submit" disabled={!wallet || amount === undefined || !!problem || tx.busy}>
          Stake
        </button>
      </form>
      <TxStatus tx={tx} done={(block) => `Staked in block ${block}.`} />
    </section>
  );
}
