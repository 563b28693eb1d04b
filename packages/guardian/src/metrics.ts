/**
 * The guardian's and the depositor's Prometheus metrics (names end in their unit; `_total` for
 * counts). The request counters of both clients and the account balance come from `DaemonMetrics`.
 */
import { DaemonMetrics } from "@tributary/daemon/metrics";
import { REFUSAL_REASONS, type RefusalReason } from "./checks.js";

export class GuardianMetrics extends DaemonMetrics {
  readonly finalizedBlock = this.gauge(
    "guardian_finalized_block",
    "Finalized execution block the guardian read last",
  );
  readonly depositsIndexed = this.gauge(
    "guardian_deposits_indexed",
    "Deposits of the beacon deposit contract in the guardian's index (finalized blocks)",
  );
  readonly vettableKeys = this.gauge(
    "guardian_vettable_keys",
    "Keys of each operator this guardian vets (deposited keys included)",
    ["operator"],
  );
  readonly keysBehindRefusal = this.gauge(
    "guardian_keys_blocked_keys",
    "Keys of each operator not vetted because a key at or before them was refused",
    ["operator"],
  );
  readonly keyRefused = this.gauge(
    "guardian_key_refused",
    "1 when the operator's vetting stops at a refused key, by reason",
    ["operator", "reason"],
  );
  readonly vetSignatures = this.counter("guardian_vet_signatures_total", "Vetting counts signed");
  readonly depositSignatures = this.counter("guardian_deposit_signatures_total", "Deposit roots signed");
  readonly depositRefusals = this.counter(
    "guardian_deposit_refusals_total",
    "Deposit signatures refused, by reason",
    ["reason"],
  );
  readonly frontRuns = this.counter(
    "guardian_front_runs_total",
    "Deposits to a registry key with other withdrawal credentials, by whether the key was vetted",
    ["vetted"],
  );
  readonly pauses = this.counter("guardian_pauses_total", "Times this guardian paused deposits");
  readonly depositsPaused = this.gauge("guardian_deposits_paused", "1 when deposits are paused");
  readonly stepFailures = this.counter(
    "guardian_step_failures_total",
    "Steps that failed (retried next poll)",
  );

  constructor(options: { defaultMetrics?: boolean } = {}) {
    super("guardian", options);
  }

  setRefusal(operatorId: number, reason: RefusalReason | undefined): void {
    for (const r of REFUSAL_REASONS)
      this.keyRefused.set({ operator: String(operatorId), reason: r }, r === reason ? 1 : 0);
  }
}

export class DepositorMetrics extends DaemonMetrics {
  readonly validatorsDeposited = this.counter(
    "depositor_validators_deposited_total",
    "Validators deposited (32 ETH each)",
  );
  readonly batches = this.counter("depositor_batches_total", "Deposit transactions that succeeded");
  readonly rootMoved = this.counter(
    "depositor_root_moved_total",
    "Deposits that could not go through because the deposit contract's root moved after the guardians signed",
  );
  readonly vettingsSubmitted = this.counter(
    "depositor_vettings_submitted_total",
    "Vetting counts submitted with a guardian quorum",
  );
  readonly failures = this.counter(
    "depositor_failures_total",
    "Deposits or vettings refused or failed, by reason",
    ["reason"],
  );
  readonly guardianErrors = this.counter(
    "depositor_guardian_errors_total",
    "Guardian requests that failed or were refused, by guardian URL and reason",
    ["guardian", "reason"],
  );
  readonly depositableWei = this.gauge(
    "depositor_depositable_eth",
    "ETH in the buffer that deposits may take",
  );
  readonly keysWaiting = this.gauge(
    "depositor_vetted_keys_waiting",
    "Vetted keys not yet deposited, all operators",
  );
  readonly depositsPaused = this.gauge("depositor_deposits_paused", "1 when deposits are paused");

  constructor(options: { defaultMetrics?: boolean } = {}) {
    super("depositor", options);
  }
}
