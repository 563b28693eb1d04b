import { useQuery } from "@tanstack/react-query";
import {
  type CrosschainDeployment,
  getLendingPosition,
  getRemotePosition,
  parseCrosschainDeployment,
} from "@tributary/sdk";
import { useMemo, useState } from "react";
import { zeroAddress } from "viem";
import type { Account } from "../api.js";
import { Scroll } from "../components/Scroll.js";
import { useApp } from "../context.js";
import { sentence } from "../errors.js";
import { duration, eth, shortAddress, treth, when } from "../format.js";
import { remoteClient, useAccount, useApi, usePosition } from "../hooks.js";
import { HEADING } from "../pages.js";

export function Portfolio() {
  const { address } = useAccount();
  const { config } = useApp();
  const remote = useCrosschain();
  const position = usePosition(address);
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]);
  const first = useApi<Account>(address ? `/v1/accounts/${address}?limit=20` : undefined);
  if (!address) {
    return (
      <section aria-labelledby="portfolio-title">
        <h1 id="portfolio-title">{HEADING.portfolio}</h1>
        <p>Connect a wallet to see your position.</p>
      </section>
    );
  }
  const p = position.data;
  return (
    <section aria-labelledby="portfolio-title">
      <h1 id="portfolio-title">{HEADING.portfolio}</h1>
      {position.error ? <p className="error">{sentence(position.error)}</p> : null}
      <dl className="figures">
        <div>
          <dt>{config.crosschain ? "trETH on Ethereum" : "trETH"}</dt>
          <dd>{p ? treth(p.shares) : "…"}</dd>
        </div>
        <div>
          <dt>Worth now</dt>
          <dd>{p ? eth(p.assets) : "…"}</dd>
        </div>
        <div>
          <dt>Rewards earned so far</dt>
          <dd>
            {first.data
              ? eth(BigInt(first.data.rewardsEarned.wei))
              : first.error
                ? sentence(first.error)
                : "…"}
            {first.data ? (
              <details>
                <summary>How it is computed</summary>
                <p>{first.data.rewardsEarned.method}</p>
              </details>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>In the withdrawal queue</dt>
          <dd>{p ? eth(p.pending) : "…"}</dd>
        </div>
        <div>
          <dt>Ready to claim</dt>
          <dd>{p ? eth(p.claimable) : "…"}</dd>
        </div>
        <div>
          <dt>Voting power</dt>
          <dd>{p ? treth(p.votes) : "…"}</dd>
        </div>
      </dl>
      <RemoteHoldings address={address} ethereumShares={p?.shares} checked={remote} />
      <Lending address={address} />
      <h2>History</h2>
      {pages.map((before, i) => (
        <HistoryPage
          key={before ?? "first"}
          address={address}
          before={before}
          crosschain={remote.crosschain}
          onMore={i === pages.length - 1 ? (next) => setPages([...pages, next]) : undefined}
        />
      ))}
    </section>
  );
}

function HistoryPage({
  address,
  before,
  crosschain,
  onMore,
}: {
  address: string;
  before: string | undefined;
  crosschain: CrosschainDeployment | undefined;
  onMore: ((next: string) => void) | undefined;
}) {
  const { deployment } = useApp();
  const page = useApi<Account>(
    `/v1/accounts/${address}?limit=20${before === undefined ? "" : `&before=${before}`}`,
  );
  if (page.error) return <p className="error">{sentence(page.error)}</p>;
  if (!page.data) return <p>…</p>;
  if (page.data.history.length === 0 && before === undefined) return <p>Nothing yet.</p>;
  const c = deployment.contracts;
  const label = (h: Account["history"][number]) => {
    const other = (h.direction === "in" ? h.from : h.to).toLowerCase();
    if (other === zeroAddress) return h.direction === "in" ? "Staked" : "Burned";
    if (other === c.withdrawalQueue.toLowerCase() || other === c.token.toLowerCase())
      return h.direction === "out" ? "Requested a withdrawal" : "Returned from the queue";
    if (other === c.operatorRegistry.toLowerCase())
      return h.direction === "out" ? "Posted as bond" : "Bond returned";
    if (other === c.rewardsDistributor.toLowerCase()) return "Commission claimed";
    // trETH's crosschain bridge locks shares sent away and releases those that come back.
    if (crosschain && other === crosschain.home.tokenBridge.toLowerCase())
      return h.direction === "out"
        ? `Bridged to chain ${crosschain.remote.chainId}`
        : `Bridged back from chain ${crosschain.remote.chainId}`;
    return h.direction === "in" ? `Received from ${shortAddress(other)}` : `Sent to ${shortAddress(other)}`;
  };
  return (
    <>
      <Scroll label="History">
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">trETH</th>
              <th scope="col">Transaction</th>
            </tr>
          </thead>
          <tbody>
            {page.data.history.map((h) => (
              <tr key={`${h.blockNumber}-${h.logIndex}`}>
                <td>{when(h.timestamp)}</td>
                <td>{label(h)}</td>
                <td>
                  {h.direction === "in" ? "+" : "−"}
                  {treth(BigInt(h.shares))}
                </td>
                <td>
                  <code title={h.txHash}>{h.txHash.slice(0, 10)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
      {onMore && page.data.historyNext ? (
        <button type="button" onClick={() => onMore(page.data.historyNext as string)}>
          Older
        </button>
      ) : null}
    </>
  );
}

interface CheckedCrosschain {
  crosschain?: CrosschainDeployment;
  error?: string;
}

/** config.json's crosschain, checked once by the portfolio, which names a malformed one. */
function useCrosschain(): CheckedCrosschain {
  const { config } = useApp();
  return useMemo((): CheckedCrosschain => {
    if (config.crosschain === undefined) return {};
    try {
      const crosschain = parseCrosschainDeployment(config.crosschain, "config.json's crosschain");
      if (!/^https?:\/\//.test(crosschain.remote.rpcUrl ?? "")) {
        return {
          error: "config.json's crosschain: remote.rpcUrl must be the remote chain's http(s) RPC URL.",
        };
      }
      if (crosschain.home.chainId !== config.chainId) {
        return {
          error: `config.json's crosschain: home is chain ${crosschain.home.chainId}, but the dashboard is on chain ${config.chainId}.`,
        };
      }
      return { crosschain };
    } catch (error) {
      return { error: (error as Error).message.split("\n")[0] };
    }
  }, [config.crosschain, config.chainId]);
}

/** Bridged trETH on the remote chain, valued at the rate relayed from Ethereum, with its age. */
function RemoteHoldings({
  address,
  ethereumShares,
  checked,
}: {
  address: `0x${string}`;
  ethereumShares?: bigint | undefined;
  checked: CheckedCrosschain;
}) {
  const { crosschain } = checked;
  const rpcUrl = crosschain?.remote.rpcUrl;
  const client = useMemo(() => (rpcUrl ? remoteClient(rpcUrl) : undefined), [rpcUrl]);
  const remote = useQuery({
    queryKey: ["remote-position", crosschain?.remote.chainId, address],
    queryFn: () => getRemotePosition(client as never, { crosschain: crosschain as never, owner: address }),
    enabled: !!client && !!crosschain,
    refetchInterval: 12_000,
  });
  if (checked.error) {
    return (
      <section aria-labelledby="remote-title">
        <h2 id="remote-title">On another chain</h2>
        <p className="error">{checked.error}</p>
      </section>
    );
  }
  if (!crosschain) return null;
  const r = remote.data;
  const chainId = crosschain.remote.chainId;
  return (
    <section aria-labelledby="remote-title">
      <h2 id="remote-title">On chain {chainId} (bridged)</h2>
      {remote.error ? <p className="error">{sentence(remote.error)}</p> : null}
      <dl className="figures">
        <div>
          <dt>trETH on chain {chainId}</dt>
          <dd>{r ? treth(r.shares) : "…"}</dd>
        </div>
        <div>
          <dt>Worth at the relayed rate</dt>
          <dd>
            {r ? eth(r.assets) : "…"}
            <details>
              <summary>How it is computed</summary>
              <p>
                Bridged trETH are shares of the pool on Ethereum, one for one. They are valued at the rate of
                the last report the relayers carried to chain {chainId}
                {r && r.rate.ethPerTrETH > 0n ? `, made ${when(r.rate.reportTime)}` : ""}, rounded down.
                Ethereum's own rate may be one report ahead.
              </p>
            </details>
          </dd>
        </div>
        <div>
          <dt>Relayed rate</dt>
          <dd className={r?.rate.stale ? "error" : undefined}>
            {!r
              ? "…"
              : r.rate.ethPerTrETH === 0n
                ? "none relayed yet"
                : `${eth(r.rate.ethPerTrETH)} per trETH, ${duration(Number(r.rate.age))} old${
                    r.rate.stale ? ": stale, the relayers are behind" : ""
                  }`}
          </dd>
        </div>
        <div>
          <dt>On both chains</dt>
          <dd>{r && ethereumShares !== undefined ? treth(r.shares + ethereumShares) : "…"}</dd>
        </div>
      </dl>
    </section>
  );
}

/** The account's borrowing on the Morpho market (trETH collateral, WETH loan), with its health. */
function Lending({ address }: { address: `0x${string}` }) {
  const { deployment } = useApp();
  const { client } = useAccount();
  const lending = useQuery({
    queryKey: ["lending", deployment.defi?.morpho?.marketId, address],
    queryFn: () => getLendingPosition(client as never, { deployment, address }),
    enabled: !!client && !!deployment.defi?.morpho,
    refetchInterval: 12_000,
  });
  if (!deployment.defi?.morpho) return null;
  const l = lending.data;
  return (
    <section aria-labelledby="lending-title">
      <h2 id="lending-title">Borrowing against trETH (Morpho)</h2>
      {lending.error ? <p className="error">{sentence(lending.error)}</p> : null}
      {l && l.collateral === 0n && l.borrowed === 0n ? (
        <p>
          No position on the trETH/WETH market. trETH put up as collateral keeps earning; WETH can be borrowed
          up to {(Number(l.lltv) / 1e16).toFixed(1)}% of its value.
        </p>
      ) : l ? (
        <dl className="figures">
          <div>
            <dt>Collateral</dt>
            <dd>
              {treth(l.collateral)} = {eth(l.collateralValue)}
            </dd>
          </div>
          <div>
            <dt>Borrowed (WETH)</dt>
            <dd>{eth(l.borrowed)}</dd>
          </div>
          <div>
            <dt>Health</dt>
            <dd className={l.health !== null && l.health < 1.02 ? "error" : undefined}>
              {l.health === null
                ? "no debt"
                : `${l.health.toFixed(3)}${l.health < 1 ? ": liquidatable" : ""}`}
            </dd>
          </div>
          <div>
            <dt>Liquidated if the rate falls to</dt>
            <dd>
              {l.liquidationRate === null
                ? "–"
                : `${(Number(l.liquidationRate) / 1e18).toFixed(6)} ETH per trETH (now ${(Number(l.rate) / 1e18).toFixed(6)})`}
            </dd>
          </div>
          <div>
            <dt>Can still borrow</dt>
            <dd>{eth(l.available)}</dd>
          </div>
          <div>
            <dt>Borrow rate</dt>
            <dd>{(l.borrowApr * 100).toFixed(2)}% a year</dd>
          </div>
        </dl>
      ) : (
        <p>…</p>
      )}
      <details>
        <summary>How the health is computed</summary>
        <p>
          Health is Morpho's: the collateral valued at the token's own rate (what the protocol pays for trETH,
          not a DEX price), times the market's liquidation LTV, over the debt with its interest to the latest
          block. Below 1 the position can be liquidated. The rate moves only with the oracle committee's
          reports: up by at most 0.075% a report, down only by losses beyond the operators' bonds.
        </p>
      </details>
    </section>
  );
}
