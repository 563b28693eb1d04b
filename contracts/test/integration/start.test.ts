import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createPublicClient, http } from "viem";
import { freePort } from "../../lib/bench.js";

const contractsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("npm start", () => {
  it("runs an EVM node with the protocol deployed and the consensus layer serving the Beacon API", async () => {
    const elPort = await freePort();
    const beaconPort = await freePort();
    const child = spawn(
      join(contractsDir, "..", "node_modules", ".bin", "tsx"),
      ["scripts/start.ts", "--port", String(elPort), "--beacon-port", String(beaconPort), "--slot-time", "1"],
      { cwd: contractsDir, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", () => {
          if (output.includes("Press Ctrl-C to stop.")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`start exited with ${code}: ${output}`)));
      });
      const token = /\n\s+token\s+(0x[0-9a-fA-F]{40})/.exec(output)?.[1];
      assert.ok(token, "prints the token address");
      assert.match(output, /funded account\s+0x[0-9a-fA-F]{40}/, "prints a funded account");
      assert.match(
        output,
        /dev admin\s+0x[0-9a-fA-F]{40} \(dev account 0\) proposes and executes/,
        "prints the dev admin",
      );
      const client = createPublicClient({ transport: http(`http://127.0.0.1:${elPort}`) });
      const code = await client.getCode({ address: token as `0x${string}` });
      assert.ok(code && code.length > 2, "the token is deployed on the node it started");
      const genesis = (await (
        await fetch(`http://127.0.0.1:${beaconPort}/eth/v1/beacon/genesis`)
      ).json()) as {
        data: { genesis_time: string };
      };
      assert.match(genesis.data.genesis_time, /^\d+$/, "the Beacon API serves genesis");
      const contract = (await (
        await fetch(`http://127.0.0.1:${beaconPort}/eth/v1/config/deposit_contract`)
      ).json()) as {
        data: { address: string };
      };
      const deposit = /depositContract\s+(0x[0-9a-fA-F]{40})/.exec(output)?.[1];
      assert.equal(
        contract.data.address.toLowerCase(),
        deposit?.toLowerCase(),
        "both layers use the deployed deposit contract",
      );
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      await exited;
    }
  });
});
