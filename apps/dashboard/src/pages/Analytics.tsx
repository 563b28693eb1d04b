import { lazy, Suspense } from "react";
import type { Operators, Risk, Stats } from "../api.js";
import { Scroll } from "../components/Scroll.js";
import { sentence } from "../errors.js";
import { duration, eth, percent, shortAddress } from "../format.js";
import { useApi } from "../hooks.js";
import { HEADING } from "../pages.js";

/** The charts (and their library) load only on this page. */
const Charts = lazy(() => import("../components/Charts.js"));

export function Analytics() {
  const stats = useApi<Stats>("/v1/stats");
  const s = stats.data;
  return (
    <section aria-labelledby="analytics-title" className="wide">
      <h1 id="analytics-title">{HEADING.analytics}</h1>
      {stats.error ? <p className="error">{sentence(stats.error)}</p> : null}
      <dl className="figures">
        <div>
          <dt>Total value locked</dt>
          <dd>{s ? eth(BigInt(s.tvl.wei), 2) : "…"}</dd>
        </div>
        <div>
          <dt>Rate</dt>
          <dd>{s ? `1 trETH = ${s.rate.ethPerTrETH.toFixed(6)} ETH` : "…"}</dd>
        </div>
        <div>
          <dt>APR: 7 days, 30 days, since start</dt>
          <dd>
            {s
              ? `${percent(s.apr.apr7d)} · ${percent(s.apr.apr30d)} · ${percent(s.apr.aprSinceInception)}`
              : "…"}
          </dd>
        </div>
        <div>
          <dt>Holders</dt>
          <dd>{s ? s.holders.count.toLocaleString("en-US") : "…"}</dd>
        </div>
        <div>
          <dt>Validators</dt>
          <dd>{s ? s.validators.total : "…"}</dd>
        </div>
        <div>
          <dt>Reports applied</dt>
          <dd>{s ? s.reports.count : "…"}</dd>
        </div>
      </dl>
      {s ? (
        <details>
          <summary>How these figures are computed</summary>
          <ul>
            <li>TVL: {s.tvl.method}</li>
            <li>Rate: {s.rate.method}</li>
            <li>APR: {s.apr.method}</li>
            <li>Holders: {s.holders.method}</li>
            <li>Validators: {s.validators.method}</li>
          </ul>
        </details>
      ) : null}
      <h2>Over time</h2>
      <Suspense fallback={<p>Loading the charts…</p>}>
        <Charts />
      </Suspense>
      <RiskPanel />
      <OperatorsTable />
    </section>
  );
}

function RiskPanel() {
  const risk = useApi<Risk>("/v1/risk");
  const r = risk.data;
  return (
    <section aria-labelledby="risk-title">
      <h2 id="risk-title">Risk</h2>
      {risk.error ? <p className="error">{sentence(risk.error)}</p> : null}
      <dl className="figures">
        <div>
          <dt>Concentration</dt>
          <dd>
            {r
              ? r.concentration.largestShare === null
                ? "no active validator yet"
                : `largest operator ${percent(r.concentration.largestShare, 1)}; ${r.concentration.operatorsForOneThird} operator${r.concentration.operatorsForOneThird === 1 ? "" : "s"} make a third`
              : "…"}
          </dd>
        </div>
        <div>
          <dt>Bond coverage</dt>
          <dd>
            {r
              ? r.bondCoverage.ratio === null
                ? r.bondCoverage.smallestBondWei === null
                  ? "no bonded operator with validators"
                  : `smallest bond ${eth(BigInt(r.bondCoverage.smallestBondWei), 3)}; no loss charged yet`
                : `smallest bond covers ${r.bondCoverage.ratio.toFixed(1)}× the worst loss`
              : "…"}
          </dd>
        </div>
        <div>
          <dt>Oracle liveness</dt>
          <dd>
            {r
              ? r.oracle.secondsSinceReport === null
                ? "no report yet"
                : `last report ${duration(r.oracle.secondsSinceReport)} ago; ${r.oracle.framesMissed ?? 0} frame${r.oracle.framesMissed === 1 ? "" : "s"} missed`
              : "…"}
          </dd>
        </div>
        <div>
          <dt>Peg (DEX price)</dt>
          <dd>
            {r
              ? r.dex.price === null || r.dex.peg === null
                ? r.dex.reason
                : `${r.dex.price.toFixed(6)} ETH per trETH, ${(r.dex.peg * 100).toFixed(3)}% from the rate`
              : "…"}
          </dd>
        </div>
      </dl>
      {r ? (
        <details>
          <summary>How the risk figures are computed</summary>
          <ul>
            <li>Concentration: {r.concentration.method}</li>
            <li>Bond coverage: {r.bondCoverage.method}</li>
            <li>Oracle liveness: {r.oracle.method}</li>
            <li>Peg: {r.dex.method}</li>
          </ul>
        </details>
      ) : null}
    </section>
  );
}

function OperatorsTable() {
  const operators = useApi<Operators>("/v1/operators");
  const o = operators.data;
  return (
    <section aria-labelledby="operators-title">
      <h2 id="operators-title">Operators</h2>
      {operators.error ? <p className="error">{sentence(operators.error)}</p> : null}
      {o ? (
        <>
          <Scroll label="Operators">
            <table>
              <thead>
                <tr>
                  <th scope="col">Operator</th>
                  <th scope="col">Validators</th>
                  <th scope="col">Bond</th>
                  <th scope="col">Bond per validator</th>
                  <th scope="col">Commission</th>
                  <th scope="col">Performance</th>
                  <th scope="col">Share</th>
                </tr>
              </thead>
              <tbody>
                {o.operators.map((op) => (
                  <tr key={op.id}>
                    <td>
                      #{op.id} <span title={op.manager}>{shortAddress(op.manager)}</span>
                    </td>
                    <td>
                      {op.activeValidators} active ({op.keys.deposited} deposited, {op.keys.vetted} vetted)
                    </td>
                    <td>{eth(BigInt(op.bond.wei), 3)}</td>
                    <td>
                      {op.bond.perActiveValidatorWei === null
                        ? "–"
                        : eth(BigInt(op.bond.perActiveValidatorWei), 3)}
                    </td>
                    <td>
                      {(op.commissionBps / 100).toFixed(2)}%
                      {op.pendingCommission
                        ? ` (then ${(op.pendingCommission.commissionBps / 100).toFixed(2)}%)`
                        : ""}
                    </td>
                    <td>
                      {op.performance?.effectiveness == null
                        ? "not measured yet"
                        : `${op.performance.effectiveness.toFixed(3)} of the mean`}
                    </td>
                    <td>{percent(op.share, 1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
          <details>
            <summary>How the operators' figures are computed</summary>
            <ul>
              {Object.entries(o.methods).map(([name, method]) => (
                <li key={name}>
                  {name}: {method}
                </li>
              ))}
            </ul>
          </details>
        </>
      ) : null}
    </section>
  );
}
