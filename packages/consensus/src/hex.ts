export type Hex = `0x${string}`;

export function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

export function fromHex(hex: string): Uint8Array {
  const body = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) throw new Error(`invalid hex string: ${hex}`);
  return new Uint8Array(Buffer.from(body, "hex"));
}

/** 0x-prefixed minimal hex quantity, as JSON-RPC expects. */
export function toQuantity(value: number | bigint): Hex {
  return `0x${value.toString(16)}`;
}
