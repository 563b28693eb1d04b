/**
 * The scenario chart: a well-formed standalone SVG, never a NaN, labels escaped, one line per
 * operator, events at the x of their slot, and the edge cases (no samples, one sample, constant
 * series, operators that appear later, values that are not numbers).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ChartMark, type ChartSample, renderChart, slotScale } from "../src/scenario/chart.js";

interface Element {
  name: string;
  attrs: Record<string, string>;
  /** The element's text content, for elements without children other than text. */
  text: string;
}

const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g;
const ATTR = /([\w:.-]+)="([^"]*)"/g;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

/** Checks the document is well-formed XML (tags nested, attributes quoted, text and values escaped). */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  let last = 0;
  for (const m of svg.matchAll(TAG)) {
    const between = svg.slice(last, m.index);
    assert.doesNotMatch(between, /[<>]/, `stray markup before ${m[0].slice(0, 60)}`);
    assert.doesNotMatch(between.replace(ENTITY, ""), /&/, `unescaped & in text before ${m[0].slice(0, 60)}`);
    for (const a of (m[3] ?? "").matchAll(ATTR)) {
      assert.doesNotMatch((a[2] ?? "").replace(ENTITY, ""), /[&<>]/, `unescaped attribute ${a[0]}`);
    }
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      assert.equal(stack.pop(), name, `</${name}> does not close the open element`);
    } else if (!selfClosing) {
      stack.push(name as string);
    }
    last = (m.index ?? 0) + m[0].length;
    if (stack.length === 0) assert.equal(svg.slice(last).trim(), "", "content after the root element");
  }
  assert.equal(svg.slice(last).trim(), "");
  assert.deepEqual(stack, [], "unclosed elements");
}

function elements(svg: string, name: string): Element[] {
  const out: Element[] = [];
  const re = new RegExp(
    `<${name}((?:\\s+[\\w:.-]+="[^"]*")*)\\s*(?:/>|>((?:(?!</${name}>).)*)</${name}>)`,
    "gs",
  );
  for (const m of svg.matchAll(re)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[1] ?? "").matchAll(ATTR)) attrs[a[1] as string] = a[2] as string;
    out.push({ name, attrs, text: (m[2] ?? "").replace(/<title>.*?<\/title>/gs, "") });
  }
  return out;
}

/** Every number in a path's `d`. */
function pathNumbers(d: string): number[] {
  return (d.match(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g) ?? []).map(Number);
}

/** The x of every point (M/L/H commands) of a path. */
function pathXs(d: string): number[] {
  const xs: number[] = [];
  for (const m of d.matchAll(/([MLH])(-?[\d.]+)/g)) xs.push(Number(m[2]));
  return xs;
}

function pathYs(d: string): number[] {
  const ys: number[] = [];
  for (const m of d.matchAll(/[ML]-?[\d.]+ (-?[\d.]+)/g)) ys.push(Number(m[1]));
  return ys;
}

function assertSane(svg: string): void {
  assert.ok(svg.startsWith("<svg"), "starts with <svg");
  assert.ok(svg.endsWith("</svg>"), "ends with </svg>");
  assert.match(svg.slice(0, svg.indexOf(">")), /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.doesNotMatch(svg, /NaN|Infinity|undefined/);
  assertWellFormed(svg);
  // Coordinates: one decimal at most.
  const oneDecimal = /^-?\d+(\.\d)?$/;
  for (const name of ["line", "rect", "circle", "text"]) {
    for (const el of elements(svg, name)) {
      for (const key of ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "width", "height"]) {
        const v = el.attrs[key];
        if (v !== undefined) assert.match(v, oneDecimal, `${name} ${key}="${v}"`);
      }
    }
  }
  for (const path of elements(svg, "path")) {
    for (const n of pathNumbers(path.attrs.d ?? "")) assert.match(String(n), oneDecimal, `path number ${n}`);
  }
}

function marks(svg: string, kind: ChartMark["kind"]): Element[] {
  return elements(svg, "line").filter((l) => l.attrs["data-kind"] === kind);
}

/** The y axis' tick labels of the panel framed by `rect` (of every panel without it). */
function yTickLabels(svg: string, rect?: Element): string[] {
  const top = rect ? Number(rect.attrs.y) : Number.NEGATIVE_INFINITY;
  const bottom = rect ? top + Number(rect.attrs.height) : Number.POSITIVE_INFINITY;
  return elements(svg, "text")
    .filter((t) => t.attrs.class === "tick-y")
    .filter((t) => Number(t.attrs.y) >= top && Number(t.attrs.y) <= bottom + 5)
    .map((t) => t.text);
}

/** A run: the rate grows, operator 1 is slashed at slot 200, operator 2 joins at slot 160. */
function sampleRun(): { title: string; samples: ChartSample[]; marks: ChartMark[] } {
  const samples: ChartSample[] = [];
  for (let slot = 32; slot <= 480; slot += 8) {
    const bonds: Record<string, number> = { "1": slot >= 200 ? 3.2 : 4, "0": 4 };
    if (slot >= 160) bonds["2"] = 4;
    samples.push({
      slot,
      rate: 1 + slot * 2.5e-7 - (slot >= 200 ? 3e-5 : 0),
      bonds,
      queue: slot >= 250 && slot < 400 ? 64 : slot >= 400 ? 32 : 0,
    });
  }
  return {
    title: "slashing & recovery",
    samples,
    marks: [
      { slot: 300, kind: "recover", label: "operator 1 topped up" },
      { slot: 200, kind: "fault", label: "slash 2 validators (operator 1) <&> \"x\" 'y'" },
      { slot: 128, kind: "report", label: "report 1" },
      { slot: 256, kind: "report", label: "report 2" },
      { slot: 100, kind: "deposit", label: "deposit 64 ETH" },
      { slot: 260, kind: "exit", label: "exit 2 validators" },
      { slot: 420, kind: "claim", label: "claim 32 ETH" },
      { slot: 440, kind: "fault", label: "oracle member 2 stopped" },
    ],
  };
}

describe("renderChart", () => {
  it("renders a well-formed standalone SVG with no NaN, coordinates to one decimal", () => {
    assertSane(renderChart(sampleRun()));
  });

  it("is deterministic", () => {
    assert.equal(renderChart(sampleRun()), renderChart(sampleRun()));
  });

  it("escapes labels and the title for XML", () => {
    const svg = renderChart(sampleRun());
    assert.ok(svg.includes("&lt;&amp;&gt; &quot;x&quot; &apos;y&apos;"), "escaped label");
    assert.ok(!svg.includes("<&>"), "no raw label");
    assert.ok(svg.includes("slashing &amp; recovery"), "escaped title");
    const label = elements(svg, "text").find((t) => t.text.startsWith("slash 2 validators"));
    assert.ok(label, "the fault's label is drawn");
    assert.equal(label.attrs.fill, "#d62728");
  });

  it("draws one path per operator, in distinct colours, each from its first sample", () => {
    const run = sampleRun();
    const svg = renderChart(run);
    const bonds = elements(svg, "path").filter((p) => p.attrs["data-series"] === "bond");
    assert.deepEqual(
      bonds.map((p) => p.attrs["data-operator"]),
      ["0", "1", "2"],
    );
    assert.equal(new Set(bonds.map((p) => p.attrs.stroke)).size, 3);
    const x = slotScale(run);
    for (const path of bonds) {
      const xs = pathXs(path.attrs.d ?? "");
      assert.equal(xs.length, path.attrs["data-operator"] === "2" ? (480 - 160) / 8 + 1 : run.samples.length);
      for (let i = 1; i < xs.length; i++) assert.ok((xs[i] ?? 0) > (xs[i - 1] ?? 0), "x grows with the slot");
    }
    const late = bonds.find((p) => p.attrs["data-operator"] === "2");
    assert.equal(pathXs(late?.attrs.d ?? "")[0], x(160));
    assert.equal(pathXs(bonds[0]?.attrs.d ?? "")[0], x(32));
    // Operator 1's bond falls: a larger y (lower on screen) after the slashing.
    const slashed = pathYs(bonds.find((p) => p.attrs["data-operator"] === "1")?.attrs.d ?? "");
    assert.ok((slashed[slashed.length - 1] ?? 0) > (slashed[0] ?? 0));
    // A legend entry per operator.
    for (const id of ["0", "1", "2"]) assert.ok(svg.includes(`>operator ${id}</text>`), `legend of ${id}`);
  });

  it("draws a fault as a red solid line across the panels at the x of its slot", () => {
    const run = sampleRun();
    const svg = renderChart(run);
    const x = slotScale(run);
    const faults = marks(svg, "fault");
    assert.equal(faults.length, 2);
    const [early, late] = faults;
    assert.ok(early && late);
    assert.equal(early.attrs.stroke, "#d62728");
    assert.equal(early.attrs["stroke-dasharray"], undefined);
    assert.equal(early.attrs.x1, String(x(200)));
    assert.equal(early.attrs.x2, early.attrs.x1);
    assert.equal(late.attrs.x1, String(x(440)));
    assert.ok(Number(late.attrs.x1) > Number(early.attrs.x1), "a later slot is further right");
    // The scale spans the plot: first and last slots at its edges.
    assert.equal(x(32), 84);
    assert.equal(x(480), 784);
    // Across all three panels: from above the top one down to the bottom of the last one.
    const panels = elements(svg, "rect").filter((r) => r.attrs.x === "84");
    assert.equal(panels.length, 3);
    const top = Math.min(...panels.map((r) => Number(r.attrs.y)));
    const bottom = Math.max(...panels.map((r) => Number(r.attrs.y) + Number(r.attrs.height)));
    for (const line of [early, late]) {
      assert.ok(Number(line.attrs.y1) < top, "starts above the top panel");
      assert.equal(Number(line.attrs.y2), bottom, "ends at the bottom of the last panel");
    }
  });

  it("draws recoveries green dashed, reports grey dashed with an R, other events as ticks", () => {
    const run = sampleRun();
    const svg = renderChart(run);
    const x = slotScale(run);
    const [recover] = marks(svg, "recover");
    assert.equal(recover?.attrs.stroke, "#2ca02c");
    assert.ok(recover?.attrs["stroke-dasharray"]);
    const reports = marks(svg, "report");
    assert.equal(reports.length, 2);
    for (const r of reports) assert.ok(r.attrs["stroke-dasharray"]);
    assert.deepEqual(
      reports.map((r) => Number(r.attrs.x1)),
      [x(128), x(256)],
    );
    const rMarkers = elements(svg, "text").filter((t) => t.text === "R");
    assert.deepEqual(
      rMarkers.map((t) => Number(t.attrs.x)),
      [x(128), x(256)],
    );
    const ticks = (["deposit", "exit", "claim"] as const).map((k) => marks(svg, k));
    for (const t of ticks) assert.equal(t.length, 1);
    assert.equal(new Set(ticks.map((t) => t[0]?.attrs.stroke)).size, 3, "a colour per kind");
    for (const t of ticks) {
      const line = t[0];
      assert.ok(line && Number(line.attrs.y2) - Number(line.attrs.y1) < 20, "a short tick");
      assert.ok(Number(line.attrs.y2) < Number(recover?.attrs.y2), "in the top panel");
    }
    for (const name of ["fault", "recovery", "oracle report", "deposit", "exit", "claim"]) {
      assert.ok(svg.includes(`>${name}</text>`), `legend of ${name}`);
    }
  });

  it("labels the rate axis with enough decimals to tell its ticks apart", () => {
    const svg = renderChart(sampleRun());
    const ratePanel = elements(svg, "rect").find((r) => r.attrs.x === "84");
    const labels = yTickLabels(svg, ratePanel);
    assert.ok(labels.length >= 3 && labels.length <= 7, `rate ticks: ${labels}`);
    assert.equal(new Set(labels).size, labels.length, `distinct tick labels: ${labels}`);
    // The rate moves by about 1e-4 over the run: ticks show at least five decimals.
    for (const l of labels) assert.match(l, /^1\.\d{5,}$|^0\.9\d{4,}$/);
  });

  it("renders no samples as a panel reading 'no samples', with or without marks", () => {
    const empty = renderChart({ title: "nothing", samples: [], marks: [] });
    assertSane(empty);
    assert.ok(elements(empty, "text").some((t) => t.text === "no samples"));
    assert.equal(elements(empty, "path").length, 0);
    const withMarks = renderChart({
      title: "nothing",
      samples: [],
      marks: [{ slot: 64, kind: "fault", label: "stop" }],
    });
    assertSane(withMarks);
    assert.ok(withMarks.includes("no samples"));
    assert.equal(marks(withMarks, "fault").length, 1);
  });

  it("renders a single sample as dots, in the middle of a padded slot range", () => {
    const run = {
      title: "one",
      samples: [{ slot: 100, rate: 1.0001, bonds: { "0": 4 }, queue: 2 }],
      marks: [],
    };
    const svg = renderChart(run);
    assertSane(svg);
    const dots = elements(svg, "circle");
    assert.deepEqual(
      dots.map((d) => d.attrs["data-series"]),
      ["rate", "bond", "queue"],
    );
    const x = slotScale(run);
    assert.ok(x(100) > 84 && x(100) < 784, "not on the edge");
    for (const d of dots) assert.equal(Number(d.attrs.cx), x(100));
  });

  it("pads constant series: flat lines inside their panels, distinct tick labels", () => {
    const samples: ChartSample[] = [0, 32, 64].map((slot) => ({
      slot,
      rate: 1,
      bonds: { a: 2, b: 2 },
      queue: 0,
    }));
    const svg = renderChart({ title: "flat", samples, marks: [] });
    assertSane(svg);
    const rects = elements(svg, "rect").filter((r) => r.attrs.x === "84");
    assert.equal(rects.length, 3, "three panels");
    const paths = elements(svg, "path").filter((p) => p.attrs["data-series"]);
    assert.equal(paths.length, 4);
    for (const path of paths) {
      const d = path.attrs.d ?? "";
      const ys = path.attrs["data-series"] === "queue" ? [Number(d.split(" ")[1]?.split("H")[0])] : pathYs(d);
      assert.equal(new Set(ys).size, 1, `flat ${path.attrs["data-series"]}`);
      const y = ys[0] ?? Number.NaN;
      assert.ok(
        rects.some((r) => y >= Number(r.attrs.y) && y <= Number(r.attrs.y) + Number(r.attrs.height)),
        "inside a panel",
      );
    }
    for (const rect of rects) {
      const labels = yTickLabels(svg, rect);
      assert.ok(labels.length >= 2, `ticks: ${labels}`);
      assert.equal(new Set(labels).size, labels.length, `distinct tick labels: ${labels}`);
    }
    const rateLabels = yTickLabels(svg, rects[0]).map(Number);
    assert.ok(rateLabels.includes(1), `the rate's value as a tick: ${rateLabels}`);
    assert.ok(Math.min(...rateLabels) < 1 && Math.max(...rateLabels) > 1, "a range around it");
    const queueLabels = yTickLabels(svg, rects[2]).map(Number);
    assert.equal(Math.min(...queueLabels), 0, "the queue's axis starts at 0");
  });

  it("leaves out values that are not numbers, breaking the line there", () => {
    const samples: ChartSample[] = [0, 8, 16, 24, 32].map((slot) => ({
      slot,
      rate: slot === 16 ? Number.NaN : 1 + slot * 1e-6,
      bonds: slot === 16 ? { "0": Number.POSITIVE_INFINITY } : { "0": 4 - slot / 100 },
      queue: slot,
    }));
    samples.push({ slot: Number.NaN, rate: 2, bonds: {}, queue: 1 });
    const svg = renderChart({
      title: "holes",
      samples,
      marks: [{ slot: Number.NaN, kind: "fault", label: "?" }],
    });
    assertSane(svg);
    const rate = elements(svg, "path").find((p) => p.attrs["data-series"] === "rate");
    assert.equal((rate?.attrs.d ?? "").match(/M/g)?.length, 2, "two pieces");
    assert.equal(marks(svg, "fault").length, 0);
  });

  it("sorts samples and marks by slot", () => {
    const run = sampleRun();
    const shuffled = { ...run, samples: [...run.samples].reverse(), marks: [...run.marks].reverse() };
    const a = elements(renderChart(run), "path").map((p) => p.attrs.d);
    const b = elements(renderChart(shuffled), "path").map((p) => p.attrs.d);
    assert.deepEqual(a, b);
  });
});
