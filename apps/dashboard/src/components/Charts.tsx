/** The analytics charts: one series of the API each, drawn by recharts (loaded with this module only). */
import {
  Area,
  AreaChart,
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { Series } from "../api.js";
import { sentence } from "../errors.js";
import { useApi } from "../hooks.js";

const STATUS_COLORS: Record<string, string> = {
  pending_initialized: "#b58900",
  pending_queued: "#cb4b16",
  active_ongoing: "#1b6e2a",
  active_exiting: "#6c71c4",
  active_slashed: "#b00020",
  exited_unslashed: "#657b83",
  exited_slashed: "#dc322f",
  withdrawal_possible: "#268bd2",
  withdrawal_done: "#93a1a1",
};

const day = (t: number) =>
  new Date(t * 1000).toLocaleString("en-GB", { dateStyle: "short", timeStyle: "short" });

function Chart({
  metric,
  title,
  format,
  stacked,
}: {
  metric: string;
  title: string;
  format: (v: number) => string;
  stacked?: boolean;
}) {
  const series = useApi<Series>(`/v1/series/${metric}`);
  const s = series.data;
  const points = s?.points ?? [];
  const statuses = stacked ? [...new Set(points.flatMap((p) => Object.keys(p.byStatus ?? {})))].sort() : [];
  const data = stacked ? points.map((p) => ({ t: p.t, ...p.byStatus })) : points;
  const last = points.at(-1);
  // The axis spans the data (a flat series gets a band around its value), so no tick is invented.
  const values = points.map((p) => p.value);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = high > low ? (high - low) * 0.1 : Math.abs(high) * 0.001 || 1;
  const domain: [number, number] = [low - pad, high + pad];
  return (
    <figure className="chart" data-metric={metric} data-points={points.length}>
      <figcaption>
        <strong>{title}</strong>
        {last ? `: ${format(last.value)} now` : ""} <span className="unit">({s?.unit ?? "…"})</span>
      </figcaption>
      {series.error ? <p className="error">{sentence(series.error)}</p> : null}
      {s && points.length === 0 ? <p>No data yet: the first report makes the first point.</p> : null}
      {points.length > 0 ? (
        <div
          className="plot"
          role="img"
          aria-label={`${title}: ${points.length} points, the last ${format(last?.value ?? 0)}`}
        >
          <ResponsiveContainer width="100%" height={200}>
            {stacked ? (
              <AreaChart data={data}>
                <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
                <XAxis dataKey="t" tickFormatter={day} minTickGap={40} />
                <YAxis allowDecimals={false} width={40} />
                <Tooltip labelFormatter={(t) => day(Number(t))} />
                {statuses.map((status) => (
                  <Area
                    key={status}
                    type="stepAfter"
                    dataKey={status}
                    stackId="1"
                    stroke={STATUS_COLORS[status] ?? "#888"}
                    fill={STATUS_COLORS[status] ?? "#888"}
                    isAnimationActive={false}
                  />
                ))}
              </AreaChart>
            ) : (
              <LineChart data={data}>
                <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
                <XAxis dataKey="t" tickFormatter={day} minTickGap={40} />
                <YAxis tickFormatter={format} width={90} domain={domain} tickCount={4} />
                <Tooltip labelFormatter={(t) => day(Number(t))} formatter={(v) => format(Number(v))} />
                {/* Straight segments between reports: a curve would draw values that never were. */}
                <Line type="linear" dataKey="value" stroke="#0b5cad" dot={false} isAnimationActive={false} />
              </LineChart>
            )}
          </ResponsiveContainer>
        </div>
      ) : null}
      {s ? (
        <details>
          <summary>Method</summary>
          <p>{s.method}</p>
        </details>
      ) : null}
    </figure>
  );
}

export default function Charts() {
  return (
    <div className="charts">
      <Chart metric="rate" title="Rate" format={(v) => `${v.toFixed(6)} ETH`} />
      <Chart metric="apr" title="APR (7 days)" format={(v) => `${(v * 100).toFixed(2)}%`} />
      <Chart
        metric="tvl"
        title="Total value locked"
        format={(v) => `${v.toLocaleString("en-US", { maximumFractionDigits: 1 })} ETH`}
      />
      <Chart metric="validators" title="Validators by status" format={(v) => `${v} active`} stacked />
      <Chart metric="queue" title="Withdrawal queue" format={(v) => `${v} pending`} />
    </div>
  );
}
