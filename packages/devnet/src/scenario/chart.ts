/**
 * One scenario run as a standalone SVG: three panels over the same slot axis (the trETH rate, each
 * operator's bond, the withdrawal queue) with the run's events drawn across them, so that what
 * happened, and when, shows at a glance.
 *
 * Events: a fault is a red solid line with its label at the top, a recovery a green dashed one
 * (labelled too), an oracle report a thin grey dashed line with an "R" at the top of the rate panel;
 * deposits, exits and claims are small coloured ticks at the bottom of the rate panel (one lane
 * each). Every event carries its label as a tooltip (`<title>`).
 *
 * Pure and deterministic: the same run gives the same string. Coordinates are rounded to one
 * decimal; samples or values that are not finite numbers are left out (a series' line breaks there);
 * a constant series gets a padded range; no samples at all gives one panel reading "no samples".
 * The x scale is exported as `slotScale`, the one `renderChart` uses.
 */

export interface ChartSample {
  /** Beacon slot (x axis). */
  slot: number;
  /** ETH per trETH (e.g. 1.000123). */
  rate: number;
  /** Operator id -> bond value in ETH. */
  bonds: Record<string, number>;
  /** ETH of pending (unfinalized) withdrawal requests. */
  queue: number;
}

export interface ChartMark {
  slot: number;
  kind: "fault" | "recover" | "report" | "exit" | "claim" | "deposit";
  /** Short text, e.g. "slash 2 validators (operator 1)". */
  label: string;
}

type MarkKind = ChartMark["kind"];

const WIDTH = 960;
const PLOT_LEFT = 84;
const PLOT_RIGHT = WIDTH - 176;
const LEGEND_X = PLOT_RIGHT + 18;
const SLOTS_PER_EPOCH = 32;

const TITLE_Y = 24;
const LABEL_BAND_TOP = 36;
const LABEL_ROW_HEIGHT = 13;
const MAX_LABEL_ROWS = 8;
const LABEL_FONT_SIZE = 10;
const MAX_LABEL_CHARS = 64;
const PANEL_TITLE_SPACE = 20;
const PANEL_GAP = 16;

const RATE_HEIGHT = 190;
const BONDS_HEIGHT = 160;
const QUEUE_HEIGHT = 120;
const EMPTY_HEIGHT = 160;

const FAULT_COLOR = "#d62728";
const RECOVER_COLOR = "#2ca02c";
const REPORT_COLOR = "#888888";
const RATE_COLOR = "#1f3b73";
const QUEUE_COLOR = "#3f6fb5";
const AXIS_COLOR = "#444444";
const FRAME_COLOR = "#bbbbbb";
const GRID_COLOR = "#eeeeee";
const TEXT_COLOR = "#222222";

/** The lanes of the event ticks at the bottom of the rate panel, lowest first. */
const TICK_KINDS = ["deposit", "exit", "claim"] as const;
const TICK_COLORS: Record<(typeof TICK_KINDS)[number], string> = {
  deposit: "#17becf",
  exit: "#ff7f0e",
  claim: "#9467bd",
};
const TICK_LANE = 9;
const TICK_LENGTH = 7;

const LEGEND_ORDER: readonly MarkKind[] = ["fault", "recover", "report", "deposit", "exit", "claim"];
const LEGEND_NAMES: Record<MarkKind, string> = {
  fault: "fault",
  recover: "recovery",
  report: "oracle report",
  deposit: "deposit",
  exit: "exit",
  claim: "claim",
};

/** Operators' colours (no red or green: those are the faults' and recoveries'). */
const OPERATOR_COLORS = [
  "#1f77b4",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#bcbd22",
  "#7f7f7f",
  "#393b79",
  "#637939",
];
/** Beyond the palette, the colours come round again with a dash pattern. */
const OPERATOR_DASHES = ["", "6 3", "2 2", "8 3 2 3"];

interface Point {
  x: number;
  y: number;
}

interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
  decimals: number;
}

/** A coordinate rounded to one decimal (never NaN, never -0). */
function round1(n: number): number {
  if (!Number.isFinite(n)) return 0;
  const r = Math.round(n * 10) / 10;
  return r === 0 ? 0 : r;
}

/** A coordinate as written in the SVG. */
function fmt(n: number): string {
  return String(round1(n));
}

function isNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

const XML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Text safe in XML content and attribute values; characters XML forbids are dropped. */
function escapeXml(value: unknown): string {
  const s = String(value ?? "");
  let kept = "";
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) continue;
    if (code === 0xfffe || code === 0xffff || (code >= 0xd800 && code <= 0xdfff)) continue;
    kept += ch;
  }
  return kept.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}

/** Tick label: fixed decimals, no "-0". */
function formatValue(v: number, decimals: number): string {
  if (!Number.isFinite(v)) return "–";
  const s = v.toFixed(decimals);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** A value with up to 4 decimals, trailing zeros dropped. */
function compact(v: number): string {
  const s = formatValue(v, 4);
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** The smallest of `mantissas` × 10^k not below `x`. */
function niceUp(x: number, mantissas: readonly number[]): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const exp = Math.floor(Math.log10(x));
  const base = 10 ** exp;
  for (const m of mantissas) {
    if (m * base >= x * (1 - 1e-9)) return m * base;
  }
  return 10 * base;
}

/** Decimals that show every multiple of `step` exactly. */
function decimalsFor(step: number): number {
  for (let d = 0; d <= 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) <= 1e-6 * scaled) return d;
  }
  return 12;
}

/**
 * A value axis over `values`: three to six ticks at round values, the range widened to them.
 * `zeroBased` keeps 0 in the range; a constant series is padded by `pad(value)` each side.
 */
function valueAxis(values: number[], zeroBased: boolean, pad: (v: number) => number): Axis {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) {
    lo = 0;
    hi = 1;
  }
  if (zeroBased) {
    lo = Math.min(0, lo);
    hi = Math.max(0, hi);
  }
  const span = hi - lo;
  if (span <= Math.max(Math.abs(lo), Math.abs(hi)) * 1e-12) {
    const mid = (lo + hi) / 2;
    const p = pad(mid);
    lo = zeroBased && mid >= 0 ? Math.max(0, mid - p) : mid - p;
    hi = mid + p;
  } else {
    const margin = span * 0.04;
    lo = zeroBased && lo >= 0 ? lo : lo - margin;
    hi += margin;
  }
  const step = niceUp((hi - lo) / 4, [1, 2, 2.5, 5]);
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const count = last - first;
  if (!Number.isFinite(step) || !(step > 0) || !Number.isFinite(count) || count < 1 || count > 20) {
    return Number.isFinite(lo) && Number.isFinite(hi) && hi > lo
      ? { lo, hi, ticks: [lo, hi], decimals: 2 }
      : { lo: 0, hi: 1, ticks: [0, 1], decimals: 0 };
  }
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(k * step);
  return { lo: first * step, hi: last * step, ticks, decimals: decimalsFor(step) };
}

/** The slots the chart spans: every sample's and every mark's, widened when it is a single slot. */
function slotDomain(samples: readonly ChartSample[], marks: readonly ChartMark[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const item of [...samples, ...marks]) {
    if (!isNumber(item.slot)) continue;
    if (item.slot < lo) lo = item.slot;
    if (item.slot > hi) hi = item.slot;
  }
  if (!(lo <= hi)) return [0, SLOTS_PER_EPOCH];
  if (!(hi - lo > 0) || !Number.isFinite(hi - lo)) {
    const start = Math.max(0, lo - SLOTS_PER_EPOCH / 2);
    return [start, start + SLOTS_PER_EPOCH];
  }
  return [lo, hi];
}

/**
 * The x of a slot in `renderChart`'s output for the same run (rounded to one decimal, as written):
 * the slots of all samples and marks map linearly onto the plot's width, from x = 84 to x = 784.
 */
export function slotScale(run: { samples: ChartSample[]; marks: ChartMark[] }): (slot: number) => number {
  const [lo, hi] = slotDomain(run.samples ?? [], run.marks ?? []);
  const span = hi - lo;
  return (slot: number) => round1(PLOT_LEFT + ((slot - lo) / span) * (PLOT_RIGHT - PLOT_LEFT));
}

/** Slot ticks at divisors or multiples of an epoch, about eight of them. */
function slotTicks(lo: number, hi: number): number[] {
  const target = (hi - lo) / 8;
  const step =
    [1, 2, 4, 8, 16, 32].find((s) => s >= target) ??
    SLOTS_PER_EPOCH * niceUp(target / SLOTS_PER_EPOCH, [1, 2, 5]);
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: number[] = [];
  if (!Number.isFinite(first) || !Number.isFinite(last) || last - first > 40) return [lo, hi];
  for (let k = first; k <= last; k++) ticks.push(k * step);
  return ticks;
}

function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  const numeric = a.trim() !== "" && b.trim() !== "" && Number.isFinite(na) && Number.isFinite(nb);
  if (numeric && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Runs of consecutive defined points. */
function segments(points: (Point | null)[]): Point[][] {
  const out: Point[][] = [];
  let current: Point[] = [];
  for (const p of points) {
    if (p) {
      current.push(p);
    } else if (current.length > 0) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

function linePath(segs: Point[][]): string {
  return segs
    .filter((s) => s.length > 1)
    .map((s) => s.map((p, i) => `${i === 0 ? "M" : "L"}${fmt(p.x)} ${fmt(p.y)}`).join(""))
    .join("");
}

/** A step line: each value holds until the next sample. */
function stepPath(segs: Point[][]): string {
  return segs
    .filter((s) => s.length > 1)
    .map((s) => `M${fmt((s[0] as Point).x)} ${fmt((s[0] as Point).y)}${steps(s)}`)
    .join("");
}

/** The step commands after a segment's first point: a level kept is not repeated. */
function steps(s: Point[]): string {
  let out = "";
  let level = fmt((s[0] as Point).y);
  for (const p of s.slice(1)) {
    const y = fmt(p.y);
    if (y !== level) out += `H${fmt(p.x)}V${y}`;
    level = y;
  }
  return `${out}H${fmt((s[s.length - 1] as Point).x)}`;
}

function stepArea(segs: Point[][], base: number): string {
  return segs
    .filter((s) => s.length > 1)
    .map((s) => {
      const first = s[0] as Point;
      return `M${fmt(first.x)} ${fmt(base)}V${fmt(first.y)}${steps(s)}V${fmt(base)}Z`;
    })
    .join("");
}

/** Dots for points that no line reaches (a series' lone samples). */
function lonePoints(segs: Point[][], color: string, attrs: string): string[] {
  return segs
    .filter((s) => s.length === 1)
    .map((s) => {
      const p = s[0] as Point;
      return `<circle${attrs} cx="${fmt(p.x)}" cy="${fmt(p.y)}" r="2.5" fill="${color}"/>`;
    });
}

function text(x: number, y: number, content: string, attrs = ""): string {
  return `<text x="${fmt(x)}" y="${fmt(y)}"${attrs}>${escapeXml(content)}</text>`;
}

/** White outline behind a text, so that lines under it do not hide it. */
const HALO = ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"';

interface PlacedLabel {
  mark: ChartMark;
  x: number;
  row: number;
  anchorEnd: boolean;
  text: string;
}

/** Faults' and recoveries' labels in rows at the top, each row's labels apart. */
function placeLabels(
  marks: ChartMark[],
  x: (slot: number) => number,
): { placed: PlacedLabel[]; rows: number } {
  const rowEnds: number[] = [];
  const placed: PlacedLabel[] = [];
  for (const mark of marks) {
    const mx = x(mark.slot);
    const label = truncate(String(mark.label ?? ""), MAX_LABEL_CHARS);
    const width = Array.from(label).length * LABEL_FONT_SIZE * 0.56 + 4;
    const anchorEnd = mx + 3 + width > WIDTH - 4;
    const start = anchorEnd ? mx - 3 - width : mx - 1;
    const end = anchorEnd ? mx + 1 : mx + 3 + width;
    let row = rowEnds.findIndex((e) => e + 6 <= start);
    if (row < 0 && rowEnds.length < MAX_LABEL_ROWS) {
      row = rowEnds.length;
      rowEnds.push(Number.NEGATIVE_INFINITY);
    }
    if (row < 0) {
      row = 0;
      for (let r = 1; r < rowEnds.length; r++) if ((rowEnds[r] ?? 0) < (rowEnds[row] ?? 0)) row = r;
    }
    rowEnds[row] = Math.max(rowEnds[row] ?? Number.NEGATIVE_INFINITY, end);
    placed.push({ mark, x: mx, row, anchorEnd, text: label });
  }
  return { placed, rows: rowEnds.length };
}

interface PanelFrame {
  top: number;
  bottom: number;
}

/**
 * A panel's frame and vertical grid (at the x ticks `gridX`) into `out`, its title into `titles`
 * (drawn over the events' lines).
 */
function panelFrame(
  out: string[],
  titles: string[],
  title: string,
  frame: PanelFrame,
  gridX: readonly number[],
): void {
  if (title) {
    titles.push(
      text(PLOT_LEFT, frame.top - 7, title, ` font-size="12" font-weight="600" fill="${TEXT_COLOR}"${HALO}`),
    );
  }
  out.push(
    `<rect x="${fmt(PLOT_LEFT)}" y="${fmt(frame.top)}" width="${fmt(PLOT_RIGHT - PLOT_LEFT)}" height="${fmt(
      frame.bottom - frame.top,
    )}" fill="#ffffff" stroke="${FRAME_COLOR}"/>`,
  );
  for (const gx of gridX) {
    out.push(
      `<line x1="${fmt(gx)}" y1="${fmt(frame.top)}" x2="${fmt(gx)}" y2="${fmt(frame.bottom)}" stroke="${GRID_COLOR}"/>`,
    );
  }
}

/** Horizontal grid and tick labels of a value axis; returns the value -> y mapping. */
function yAxis(out: string[], axis: Axis, frame: PanelFrame): (v: number) => number {
  const span = axis.hi - axis.lo;
  const y = (v: number) => frame.bottom - ((v - axis.lo) / span) * (frame.bottom - frame.top);
  for (const t of axis.ticks) {
    const ty = y(t);
    out.push(
      `<line x1="${fmt(PLOT_LEFT)}" y1="${fmt(ty)}" x2="${fmt(PLOT_RIGHT)}" y2="${fmt(ty)}" stroke="${GRID_COLOR}"/>`,
    );
    out.push(
      `<line x1="${fmt(PLOT_LEFT - 4)}" y1="${fmt(ty)}" x2="${fmt(PLOT_LEFT)}" y2="${fmt(ty)}" stroke="${AXIS_COLOR}"/>`,
    );
    out.push(
      text(
        PLOT_LEFT - 7,
        ty + 3.5,
        formatValue(t, axis.decimals),
        ` font-size="10" text-anchor="end" fill="${TEXT_COLOR}" class="tick-y"`,
      ),
    );
  }
  return y;
}

function legendSwatch(out: string[], kind: MarkKind, y: number): void {
  const x = LEGEND_X + 6;
  if (kind === "fault") {
    out.push(
      `<line x1="${fmt(x)}" y1="${fmt(y - 6)}" x2="${fmt(x)}" y2="${fmt(y + 6)}" stroke="${FAULT_COLOR}" stroke-width="1.5"/>`,
    );
  } else if (kind === "recover") {
    out.push(
      `<line x1="${fmt(x)}" y1="${fmt(y - 6)}" x2="${fmt(x)}" y2="${fmt(y + 6)}" stroke="${RECOVER_COLOR}" stroke-width="1.5" stroke-dasharray="4 2"/>`,
    );
  } else if (kind === "report") {
    out.push(
      `<line x1="${fmt(x)}" y1="${fmt(y - 6)}" x2="${fmt(x)}" y2="${fmt(y + 6)}" stroke="${REPORT_COLOR}" stroke-width="0.8" stroke-dasharray="2 2"/>`,
    );
  } else {
    out.push(
      `<line x1="${fmt(x)}" y1="${fmt(y - 4)}" x2="${fmt(x)}" y2="${fmt(y + 4)}" stroke="${TICK_COLORS[kind]}" stroke-width="2"/>`,
    );
  }
  out.push(text(x + 10, y + 3.5, LEGEND_NAMES[kind], ` font-size="11" fill="${TEXT_COLOR}"`));
}

/** Renders one scenario run as a standalone SVG document (see the module's comment). */
export function renderChart(run: { title: string; samples: ChartSample[]; marks: ChartMark[] }): string {
  const samples = (run.samples ?? [])
    .filter((s) => s && isNumber(s.slot))
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.slot - b.s.slot || a.i - b.i)
    .map(({ s }) => s);
  const marks = (run.marks ?? [])
    .filter((m) => m && isNumber(m.slot) && LEGEND_ORDER.includes(m.kind))
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.slot - b.m.slot || a.i - b.i)
    .map(({ m }) => m);
  const x = slotScale({ samples, marks });
  const tickSlots = slotTicks(...slotDomain(samples, marks));
  const gridX = tickSlots.map(x);

  const body: string[] = [];
  const titles: string[] = [];
  const labelled = marks.filter((m) => m.kind === "fault" || m.kind === "recover");
  const { placed, rows } = placeLabels(labelled, x);
  const rowY = (row: number) => LABEL_BAND_TOP + (row + 1) * LABEL_ROW_HEIGHT - 3;

  let top = LABEL_BAND_TOP + rows * LABEL_ROW_HEIGHT + (rows > 0 ? 6 : 0) + PANEL_TITLE_SPACE;
  const nextFrame = (height: number): PanelFrame => {
    const frame = { top, bottom: top + height };
    top = frame.bottom + PANEL_GAP + PANEL_TITLE_SPACE;
    return frame;
  };

  const frames: PanelFrame[] = [];
  if (samples.length === 0) {
    const frame = nextFrame(EMPTY_HEIGHT);
    frames.push(frame);
    panelFrame(body, titles, "", frame, gridX);
    body.push(
      text(
        (PLOT_LEFT + PLOT_RIGHT) / 2,
        (frame.top + frame.bottom) / 2 + 5,
        "no samples",
        ` font-size="14" text-anchor="middle" fill="#888888"`,
      ),
    );
  } else {
    // The trETH rate.
    const rateFrame = nextFrame(RATE_HEIGHT);
    frames.push(rateFrame);
    const rates = samples.map((s) => s.rate).filter(isNumber);
    const rateAxis = valueAxis(rates, false, (v) => Math.max(Math.abs(v) * 1e-5, 1e-9));
    const first = rates[0];
    const last = rates[rates.length - 1];
    const summaryDecimals = Math.max(rateAxis.decimals, 4);
    const summary =
      first !== undefined && last !== undefined
        ? `: ${formatValue(first, summaryDecimals)} → ${formatValue(last, summaryDecimals)}`
        : "";
    panelFrame(body, titles, `trETH rate (ETH per trETH)${summary}`, rateFrame, gridX);
    const rateY = yAxis(body, rateAxis, rateFrame);
    const rateSegs = segments(
      samples.map((s) => (isNumber(s.rate) ? { x: x(s.slot), y: rateY(s.rate) } : null)),
    );
    const ratePath = linePath(rateSegs);
    if (ratePath) {
      body.push(
        `<path data-series="rate" d="${ratePath}" fill="none" stroke="${RATE_COLOR}" stroke-width="1.8" stroke-linejoin="round"/>`,
      );
    }
    body.push(...lonePoints(rateSegs, RATE_COLOR, ' data-series="rate"'));
    if (rates.length === 0) {
      body.push(
        text(
          (PLOT_LEFT + PLOT_RIGHT) / 2,
          (rateFrame.top + rateFrame.bottom) / 2,
          "no rate",
          ` font-size="12" text-anchor="middle" fill="#888888"`,
        ),
      );
    }

    // The operators' bonds.
    const bondsFrame = nextFrame(BONDS_HEIGHT);
    frames.push(bondsFrame);
    const operatorSet = new Set<string>();
    const bondValues: number[] = [];
    for (const s of samples) {
      for (const [id, v] of Object.entries(s.bonds ?? {})) {
        operatorSet.add(id);
        if (isNumber(v)) bondValues.push(v);
      }
    }
    const operators = [...operatorSet].sort(compareIds);
    panelFrame(body, titles, "Operator bonds (ETH)", bondsFrame, gridX);
    const bondAxis = valueAxis(bondValues, false, (v) => Math.max(Math.abs(v) * 0.05, 0.5));
    const bondY = yAxis(body, bondAxis, bondsFrame);
    const legendRows = Math.max(1, Math.floor((bondsFrame.bottom - bondsFrame.top) / 15));
    operators.forEach((id, i) => {
      const color = OPERATOR_COLORS[i % OPERATOR_COLORS.length] as string;
      const dash = OPERATOR_DASHES[Math.floor(i / OPERATOR_COLORS.length) % OPERATOR_DASHES.length] as string;
      const dashAttr = dash ? ` stroke-dasharray="${dash}"` : "";
      const segs = segments(
        samples.map((s) => {
          const v = s.bonds?.[id];
          return isNumber(v) ? { x: x(s.slot), y: bondY(v) } : null;
        }),
      );
      const idAttr = ` data-operator="${escapeXml(id)}"`;
      body.push(
        `<path data-series="bond"${idAttr} d="${linePath(segs)}" fill="none" stroke="${color}" stroke-width="1.6"${dashAttr} stroke-linejoin="round"/>`,
      );
      body.push(...lonePoints(segs, color, ` data-series="bond"${idAttr}`));
      if (i < legendRows - 1 || (i === legendRows - 1 && operators.length === legendRows)) {
        const ly = bondsFrame.top + 10 + i * 15;
        body.push(
          `<line x1="${fmt(LEGEND_X)}" y1="${fmt(ly)}" x2="${fmt(LEGEND_X + 16)}" y2="${fmt(ly)}" stroke="${color}" stroke-width="2"${dashAttr}/>`,
        );
        body.push(
          text(
            LEGEND_X + 22,
            ly + 3.5,
            truncate(`operator ${id}`, 20),
            ` font-size="11" fill="${TEXT_COLOR}"`,
          ),
        );
      } else if (i === legendRows - 1) {
        const ly = bondsFrame.top + 10 + i * 15;
        body.push(
          text(LEGEND_X, ly + 3.5, `+${operators.length - i} more`, ` font-size="11" fill="${TEXT_COLOR}"`),
        );
      }
    });
    if (operators.length === 0) {
      body.push(
        text(
          (PLOT_LEFT + PLOT_RIGHT) / 2,
          (bondsFrame.top + bondsFrame.bottom) / 2,
          "no bonds",
          ` font-size="12" text-anchor="middle" fill="#888888"`,
        ),
      );
    }

    // The withdrawal queue.
    const queueFrame = nextFrame(QUEUE_HEIGHT);
    frames.push(queueFrame);
    const queues = samples.map((s) => s.queue).filter(isNumber);
    const peak = queues.reduce((m, v) => Math.max(m, v), 0);
    const queueAxis = valueAxis(queues, true, (v) => Math.max(Math.abs(v) * 0.1, 1));
    const queueTitle = queues.length > 0 ? `: peak ${compact(peak)}` : "";
    panelFrame(body, titles, `Withdrawal queue, pending requests (ETH)${queueTitle}`, queueFrame, gridX);
    const queueY = yAxis(body, queueAxis, queueFrame);
    const queueSegs = segments(
      samples.map((s) => (isNumber(s.queue) ? { x: x(s.slot), y: queueY(s.queue) } : null)),
    );
    const area = stepArea(queueSegs, queueY(Math.max(queueAxis.lo, Math.min(0, queueAxis.hi))));
    if (area) body.push(`<path d="${area}" fill="${QUEUE_COLOR}" fill-opacity="0.15" stroke="none"/>`);
    const queuePath = stepPath(queueSegs);
    if (queuePath) {
      body.push(
        `<path data-series="queue" d="${queuePath}" fill="none" stroke="${QUEUE_COLOR}" stroke-width="1.6"/>`,
      );
    }
    body.push(...lonePoints(queueSegs, QUEUE_COLOR, ' data-series="queue"'));
  }

  const firstFrame = frames[0] as PanelFrame;
  const lastFrame = frames[frames.length - 1] as PanelFrame;

  // The x axis: slots, with the epoch under each epoch boundary.
  const xTicks: string[] = [];
  for (const slot of tickSlots) {
    const tx = x(slot);
    xTicks.push(
      `<line x1="${fmt(tx)}" y1="${fmt(lastFrame.bottom)}" x2="${fmt(tx)}" y2="${fmt(lastFrame.bottom + 4)}" stroke="${AXIS_COLOR}"/>`,
    );
    const slotLabel = Number.isInteger(slot) ? String(slot) : formatValue(slot, 1);
    xTicks.push(
      text(
        tx,
        lastFrame.bottom + 15,
        slotLabel,
        ` font-size="10" text-anchor="middle" fill="${TEXT_COLOR}" class="tick-x"`,
      ),
    );
    if (Number.isInteger(slot) && slot % SLOTS_PER_EPOCH === 0) {
      xTicks.push(
        text(
          tx,
          lastFrame.bottom + 27,
          `e${slot / SLOTS_PER_EPOCH}`,
          ` font-size="9" text-anchor="middle" fill="#777777"`,
        ),
      );
    }
  }
  const axisBottom = lastFrame.bottom + 46;
  xTicks.push(
    text(
      (PLOT_LEFT + PLOT_RIGHT) / 2,
      axisBottom,
      `slot (e = epoch = slot / ${SLOTS_PER_EPOCH})`,
      ` font-size="11" text-anchor="middle" fill="${TEXT_COLOR}"`,
    ),
  );

  // Events: lines across every panel, labels on top of them.
  const markLines: string[] = [];
  const markLabels: string[] = [];
  const rowOf = new Map<ChartMark, PlacedLabel>();
  for (const p of placed) rowOf.set(p.mark, p);
  for (const mark of marks) {
    const mx = fmt(x(mark.slot));
    const tip = `<title>${escapeXml(`slot ${mark.slot}: ${String(mark.label ?? "")}`)}</title>`;
    const data = ` class="mark" data-kind="${mark.kind}" data-slot="${escapeXml(String(mark.slot))}"`;
    if (mark.kind === "fault" || mark.kind === "recover") {
      const label = rowOf.get(mark);
      const y1 = label ? rowY(label.row) + 3 : firstFrame.top;
      const style =
        mark.kind === "fault"
          ? `stroke="${FAULT_COLOR}" stroke-width="1.5"`
          : `stroke="${RECOVER_COLOR}" stroke-width="1.5" stroke-dasharray="6 3"`;
      markLines.push(
        `<line${data} x1="${mx}" y1="${fmt(y1)}" x2="${mx}" y2="${fmt(lastFrame.bottom)}" ${style}>${tip}</line>`,
      );
      if (label) {
        const color = mark.kind === "fault" ? FAULT_COLOR : RECOVER_COLOR;
        const tx = label.anchorEnd ? label.x - 3 : label.x + 3;
        const anchor = label.anchorEnd ? ' text-anchor="end"' : "";
        markLabels.push(
          text(
            tx,
            rowY(label.row),
            label.text,
            ` font-size="${LABEL_FONT_SIZE}" fill="${color}"${anchor}${HALO}`,
          ),
        );
      }
    } else if (mark.kind === "report") {
      markLines.push(
        `<line${data} x1="${mx}" y1="${fmt(firstFrame.top)}" x2="${mx}" y2="${fmt(lastFrame.bottom)}" stroke="${REPORT_COLOR}" stroke-width="0.8" stroke-dasharray="2 3">${tip}</line>`,
      );
      markLabels.push(
        `<text x="${mx}" y="${fmt(firstFrame.top + 11)}" font-size="9" font-weight="700" text-anchor="middle" fill="#666666"${HALO}>R${tip}</text>`,
      );
    } else {
      const lane = TICK_KINDS.indexOf(mark.kind);
      const y2 = firstFrame.bottom - 2 - lane * TICK_LANE;
      markLines.push(
        `<line${data} x1="${mx}" y1="${fmt(y2 - TICK_LENGTH)}" x2="${mx}" y2="${fmt(y2)}" stroke="${TICK_COLORS[mark.kind]}" stroke-width="2">${tip}</line>`,
      );
    }
  }

  // Legend of the events present.
  const legend: string[] = [];
  const kinds = LEGEND_ORDER.filter((k) => marks.some((m) => m.kind === k));
  kinds.forEach((kind, i) => {
    legendSwatch(legend, kind, firstFrame.top + 10 + i * 17);
  });

  const height = Math.ceil(axisBottom + 14);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(run.title)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(
      PLOT_LEFT,
      TITLE_Y,
      truncate(String(run.title ?? ""), 110),
      ` font-size="15" font-weight="700" fill="${TEXT_COLOR}"`,
    ),
    ...body,
    ...xTicks,
    ...markLines,
    ...markLabels,
    ...titles,
    ...legend,
    "</svg>",
  ].join("\n");
}
