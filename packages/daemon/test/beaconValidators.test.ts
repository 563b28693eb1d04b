import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { BeaconClient, BeaconHttpError, BeaconMalformedResponse } from "../src/beacon.js";
import { type Handler, sendJson, TestServer } from "./httpServer.js";

const PUBKEY_A = `0x${"a1".repeat(48)}` as const;
const PUBKEY_B = `0x${"b2".repeat(48)}` as const;
const CREDENTIALS = `0x01${"00".repeat(11)}${"12".repeat(20)}`;
const FAR = "18446744073709551615";

function validatorJson(index: number, pubkey: string, status: string, exitEpoch = FAR) {
  return {
    index: String(index),
    balance: "32000000000",
    status,
    validator: {
      pubkey,
      withdrawal_credentials: CREDENTIALS,
      effective_balance: "32000000000",
      slashed: false,
      activation_eligibility_epoch: "3",
      activation_epoch: "8",
      exit_epoch: exitEpoch,
      withdrawable_epoch: FAR,
    },
  };
}

const servers: TestServer[] = [];
after(async () => {
  for (const server of servers) await server.stop();
});
async function serve(handler: Handler): Promise<TestServer> {
  const server = await new TestServer(handler).start();
  servers.push(server);
  return server;
}
const client = (url: string) =>
  new BeaconClient({ url, attempts: 3, baseDelayMs: 2, maxDelayMs: 5, timeoutMs: 2_000, random: () => 0.5 });

describe("BeaconClient: validators and voluntary exits", () => {
  it("reads validators by pubkey and index, FAR_FUTURE_EPOCH as Infinity, long lists in several requests", async () => {
    const seen: string[] = [];
    const server = await serve((request, response) => {
      const url = new URL(request.url ?? "", "http://x");
      seen.push(url.searchParams.get("id") ?? "");
      const ids = (url.searchParams.get("id") ?? "").split(",");
      const data = [];
      if (ids.includes(PUBKEY_A)) data.push(validatorJson(7, PUBKEY_A, "active_ongoing"));
      if (ids.includes("9")) data.push(validatorJson(9, PUBKEY_B, "active_exiting", "20"));
      sendJson(response, { execution_optimistic: false, finalized: true, data });
    });
    const beacon = client(server.url);
    const found = await beacon.validators("head", [PUBKEY_A, 9]);
    assert.equal(found.length, 2, "both found");
    assert.deepEqual(
      found[0],
      {
        index: 7,
        balanceGwei: 32_000_000_000,
        status: "active_ongoing",
        pubkey: PUBKEY_A,
        withdrawalCredentials: CREDENTIALS,
        effectiveBalanceGwei: 32_000_000_000,
        slashed: false,
        activationEligibilityEpoch: 3,
        activationEpoch: 8,
        exitEpoch: Number.POSITIVE_INFINITY,
        withdrawableEpoch: Number.POSITIVE_INFINITY,
      },
      "validator 7 parsed",
    );
    assert.equal(found[1]?.exitEpoch, 20, "exit epoch of an exiting validator");
    const many = Array.from({ length: 65 }, (_, i) => i + 100);
    seen.length = 0;
    assert.deepEqual(await beacon.validators("finalized", many), [], "unknown ids are absent");
    assert.equal(seen.length, 3, "65 ids in three requests of at most 30");
    await assert.rejects(beacon.validators("head", ["0x12" as `0x${string}`]), RangeError, "bad id refused");
  });

  it("names a status outside the API's list as a malformed response", async () => {
    const server = await serve((_request, response) =>
      sendJson(response, { data: [validatorJson(1, PUBKEY_A, "sleeping")] }),
    );
    await assert.rejects(client(server.url).validators("head", [1]), BeaconMalformedResponse, "bad status");
  });

  it("posts a voluntary exit as JSON; a 400 is a named error with the node's message, not retried", async () => {
    const bodies: unknown[] = [];
    let refuse = false;
    const server = await serve((request, response) => {
      let text = "";
      request.on("data", (chunk) => {
        text += chunk;
      });
      request.on("end", () => {
        assert.equal(request.method, "POST", "method");
        assert.equal(request.headers["content-type"], "application/json", "content type");
        bodies.push(JSON.parse(text));
        if (refuse)
          return sendJson(response, { code: 400, message: "validator has not been active long enough" }, 400);
        response.writeHead(200).end();
      });
    });
    const exit = {
      message: { epoch: "12", validator_index: "7" },
      signature: `0x${"cd".repeat(96)}` as const,
    };
    await client(server.url).submitVoluntaryExit(exit);
    assert.deepEqual(bodies, [exit], "the exit as sent");
    refuse = true;
    bodies.length = 0;
    await assert.rejects(
      client(server.url).submitVoluntaryExit(exit),
      (error: unknown) =>
        error instanceof BeaconHttpError &&
        error.status === 400 &&
        !error.retryable &&
        error.message.includes("to POST") &&
        /active long enough/.test(error.nodeMessage),
      "refusal named",
    );
    assert.equal(bodies.length, 1, "a 400 is not retried");
  });
});
