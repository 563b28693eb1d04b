/** A Prometheus counter with labels, rendered in the text exposition format. */
export class Counter<L extends string = string> {
  private readonly values = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Partial<Record<L, string>> = {}, by = 1): void {
    const key = labelString(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  /** Current value for exactly these labels (0 when never incremented). */
  get(labels: Partial<Record<L, string>> = {}): number {
    return this.values.get(labelString(labels)) ?? 0;
  }

  /** Sum over every label set. */
  total(): number {
    let sum = 0;
    for (const value of this.values.values()) sum += value;
    return sum;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [labels, value] of this.values) lines.push(`${this.name}${labels} ${value}`);
    return lines.join("\n");
  }
}

function labelString(labels: Record<string, string | undefined>): string {
  const parts = Object.entries(labels)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([key, value]) => `${key}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
    );
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/** The node's counters, served at `GET /metrics`. */
export class ConsensusMetrics {
  /** Slots handled, by outcome: `proposed`, or why the slot stayed empty. */
  readonly slots = new Counter<"outcome">(
    "consensus_slots_total",
    "Slots handled by outcome (proposed, proposer_offline, proposer_slashed, execution_error)",
  );
  /** Failed execution-node block productions, by what was done about it. */
  readonly executionErrors = new Counter<"fallback">(
    "consensus_execution_errors_total",
    "Execution node errors during block production, by fallback (default_fee_recipient, empty_slot)",
  );

  render(): string {
    return `${[this.slots, this.executionErrors].map((c) => c.render()).join("\n")}\n`;
  }
}
