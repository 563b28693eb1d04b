import {
  BaseError,
  DeploymentNotFoundError,
  InvalidArgumentError,
  RpcError,
  UnknownError,
} from "@tributary/sdk";
import { ContractError, toTributaryError } from "@tributary/sdk/errors";
import { CliError, ExitCode, type ExitCodeValue } from "./exit.js";
import { toJson } from "./format.js";
import { progress } from "./state.js";

/**
 * The exit code an error ends the command with. The SDK's errors: a network failure is 4; a bad
 * argument or a missing deployment is 2; every other named SDK error (a contract's refusal, a
 * check before sending such as too little ETH or nothing to claim) is 3; anything unknown is 1.
 */
export function exitCodeOf(error: unknown): ExitCodeValue {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof RpcError) return ExitCode.network;
  if (error instanceof InvalidArgumentError || error instanceof DeploymentNotFoundError)
    return ExitCode.usage;
  if (error instanceof UnknownError || !(error instanceof BaseError)) return ExitCode.failure;
  return ExitCode.refused;
}

/**
 * Prints an error for a person (its sentence, then details) or, with --json, as one JSON object on
 * stderr; returns the exit code.
 */
export function reportError(raw: unknown, json: boolean): ExitCodeValue {
  const error = raw instanceof CliError ? raw : toTributaryError(raw);
  const exitCode = exitCodeOf(error);
  const sentence = error instanceof BaseError ? error.shortMessage : error.message;
  // A write that stopped before sending says so: nothing happened on chain.
  const nothingSent = progress.write && !progress.sent;
  const message = nothingSent ? `${sentence} Nothing was sent.` : sentence;
  if (json) {
    const body: Record<string, unknown> = { name: error.name, message, exitCode };
    if (progress.write) body.sent = progress.sent;
    if (error instanceof ContractError) {
      body.errorName = error.errorName;
      body.args = error.args;
    }
    if (error instanceof BaseError) {
      body.retryable = error.retryable;
      if (error.details) body.details = error.details;
    }
    process.stderr.write(`${toJson({ error: body })}\n`);
    return exitCode;
  }
  const lines = [`Error: ${message}`];
  if (error instanceof RpcError) lines.push("The node may be down or unreachable; try again later.");
  if (exitCode === ExitCode.failure && error instanceof BaseError && error.details) {
    lines.push(`Details: ${error.details}`);
  }
  if (process.env.TRIBUTARY_DEBUG && error.stack) lines.push(error.stack);
  process.stderr.write(`${lines.join("\n")}\n`);
  return exitCode;
}
