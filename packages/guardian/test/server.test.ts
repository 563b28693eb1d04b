/**
 * `parseDepositRequest`: the body of POST /v1/deposit-signature, checked before the guardian looks
 * at it. Every malformed body is a 400 `bad_request` whose detail names the problem.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpError } from "@tributary/daemon/http";
import { parseDepositRequest } from "../src/server.js";

function refusal(body: unknown, detail: RegExp, what: string): void {
  assert.throws(
    () => parseDepositRequest(body),
    (error: unknown) => {
      assert.ok(error instanceof HttpError, `${what}: an HttpError`);
      assert.equal(error.status, 400, `${what}: status 400`);
      assert.equal(error.code, "bad_request", `${what}: code bad_request`);
      assert.match(error.message, detail, `${what}: the detail names the problem`);
      return true;
    },
    what,
  );
}

describe("parseDepositRequest", () => {
  it("returns a well-formed allocation as it is", () => {
    assert.deepEqual(
      parseDepositRequest({ operatorIds: [0, 3, 7], counts: [1, 10_000, 2] }),
      { operatorIds: [0, 3, 7], counts: [1, 10_000, 2] },
      "three operators",
    );
    assert.deepEqual(
      parseDepositRequest({ operatorIds: [5], counts: [1], extra: "ignored" }),
      { operatorIds: [5], counts: [1] },
      "other fields are left out",
    );
  });

  it("refuses a body that is not an object", () => {
    for (const body of [null, undefined, 42, "text", true]) {
      refusal(body, /must be a JSON object \{ operatorIds, counts \}/, `body ${JSON.stringify(body)}`);
    }
  });

  it("refuses operatorIds or counts that are not arrays", () => {
    refusal({}, /operatorIds and counts must be arrays/, "neither given");
    refusal({ operatorIds: [1] }, /must be arrays/, "no counts");
    refusal({ operatorIds: "1", counts: [1] }, /must be arrays/, "operatorIds a string");
    refusal({ operatorIds: [1], counts: { 0: 1 } }, /must be arrays/, "counts an object");
    refusal([], /must be arrays/, "an array body");
  });

  it("refuses empty arrays and arrays of different lengths", () => {
    refusal({ operatorIds: [], counts: [] }, /operatorIds \(0\) and counts \(0\) must be non-empty/, "empty");
    refusal(
      { operatorIds: [1, 2], counts: [1] },
      /operatorIds \(2\) and counts \(1\) must be non-empty and of the same length/,
      "lengths differ",
    );
  });

  it("refuses more than 1,000 operators", () => {
    const ids = Array.from({ length: 1_001 }, (_, i) => i);
    refusal({ operatorIds: ids, counts: ids.map(() => 1) }, /At most 1000 operators/, "1,001 operators");
    const most = Array.from({ length: 1_000 }, (_, i) => i);
    assert.equal(
      parseDepositRequest({ operatorIds: most, counts: most.map(() => 1) }).operatorIds.length,
      1_000,
      "1,000 pass",
    );
  });

  it("refuses operator ids that are negative, fractional, not numbers or too large", () => {
    refusal(
      { operatorIds: [0, -1], counts: [1, 1] },
      /operatorIds\[1\] is not an operator id: -1/,
      "negative",
    );
    refusal(
      { operatorIds: [1.5], counts: [1] },
      /operatorIds\[0\] is not an operator id: 1\.5/,
      "fractional",
    );
    refusal({ operatorIds: ["1"], counts: [1] }, /operatorIds\[0\] is not an operator id: "1"/, "a string");
    refusal({ operatorIds: [null], counts: [1] }, /operatorIds\[0\] is not an operator id: null/, "null");
    refusal(
      { operatorIds: [2 ** 53], counts: [1] },
      /operatorIds\[0\] is not an operator id: 9007199254740992/,
      "beyond safe integers",
    );
  });

  it("refuses an operator named twice", () => {
    refusal({ operatorIds: [4, 2, 4], counts: [1, 1, 1] }, /operator 4 appears twice/, "duplicate id");
  });

  it("refuses counts of zero, negative, fractional, not numbers or above 10,000", () => {
    const range = /is not a number of keys from 1 to 10,000/;
    refusal(
      { operatorIds: [1], counts: [0] },
      /counts\[0\] is not a number of keys from 1 to 10,000: 0/,
      "zero",
    );
    refusal({ operatorIds: [1, 2], counts: [1, -3] }, /counts\[1\] .*: -3/, "negative");
    refusal({ operatorIds: [1], counts: [2.5] }, range, "fractional");
    refusal({ operatorIds: [1], counts: ["2"] }, range, "a string");
    refusal({ operatorIds: [1], counts: [10_001] }, /counts\[0\] .*: 10001/, "10,001");
    refusal({ operatorIds: [1], counts: [1e300] }, range, "huge");
  });
});
