import type { Hex } from "../hex.js";

/** Caller of EIP-4788 / EIP-7002 / EIP-7251 system calls. */
export const SYSTEM_ADDRESS: Hex = "0xfffffffffffffffffffffffffffffffffffffffe";

/** EIP-4788 beacon block root contract: address and runtime code as published in the EIP. */
export const BEACON_ROOTS_ADDRESS: Hex = "0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02";
/** EIP-4788 HISTORY_BUFFER_LENGTH: ring buffer of 8191 (timestamp, root) pairs. */
export const BEACON_ROOTS_HISTORY_BUFFER_LENGTH = 8191;
export const BEACON_ROOTS_CODE: string =
  "0x3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff81" +
  "0690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500";

/** EIP-7002 withdrawal request contract: mainnet address and the deployment transaction input from the EIP. */
export const WITHDRAWAL_REQUEST_ADDRESS: Hex = "0x00000961Ef480Eb55e80D19ad83579A64c007002";
export const WITHDRAWAL_REQUEST_INIT_CODE: string =
  "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff5f556101f880602d5f395ff33373ffff" +
  "fffffffffffffffffffffffffffffffffffe1460cb5760115f54807fffffffffffffffffffffffffffffffffffffffffffff" +
  "ffffffffffffffffffff146101f457600182026001905f5b5f82111560685781019083028483029004916001019190604d56" +
  "5b909390049250505036603814608857366101f457346101f4575f5260205ff35b34106101f4576001546001016001556003" +
  "54806003026004013381556001015f35815560010160203590553360601b5f5260385f601437604c5fa0600101600355005b" +
  "6003546002548082038060101160df575060105b5f5b8181146101835782810160030260040181604c02815460601b815260" +
  "1401816001015481526020019060020154807fffffffffffffffffffffffffffffffff000000000000000000000000000000" +
  "00168252906010019060401c908160381c81600701538160301c81600601538160281c81600501538160201c816004015381" +
  "60181c81600301538160101c81600201538160081c81600101535360010160e1565b910180921461019557906002556101a0" +
  "565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff14" +
  "156101cd57505f5b6001546002828201116101e25750505f6101e8565b01600290035b5f555f600155604c025ff35b5f5ffd";
/** EIP-7002: 20-byte source address + 48-byte pubkey + 8-byte big-endian amount (Gwei). */
export const WITHDRAWAL_REQUEST_BYTES = 76;

/** EIP-7251 consolidation request contract: mainnet address and the deployment transaction input from the EIP. */
export const CONSOLIDATION_REQUEST_ADDRESS: Hex = "0x0000BBdDc7CE488642fb579F8B00f3a590007251";
export const CONSOLIDATION_REQUEST_INIT_CODE: string =
  "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff5f5561019e80602d5f395ff33373ffff" +
  "fffffffffffffffffffffffffffffffffffe1460d35760115f54807fffffffffffffffffffffffffffffffffffffffffffff" +
  "ffffffffffffffffffff1461019a57600182026001905f5b5f82111560685781019083028483029004916001019190604d56" +
  "5b9093900492505050366060146088573661019a573461019a575f5260205ff35b341061019a576001546001016001556003" +
  "54806004026004013381556001015f358155600101602035815560010160403590553360601b5f5260605f60143760745fa0" +
  "600101600355005b6003546002548082038060021160e7575060025b5f5b8181146101295782810160040260040181607402" +
  "815460601b815260140181600101548152602001816002015481526020019060030154905260010160e9565b910180921461" +
  "013b5790600255610146565b90505f6002555f6003555b5f54807fffffffffffffffffffffffffffffffffffffffffffffff" +
  "ffffffffffffffffff141561017357505f5b6001546001828201116101885750505f61018e565b01600190035b5f555f6001" +
  "556074025ff35b5f5ffd";
/** EIP-7251: 20-byte source address + 48-byte source pubkey + 48-byte target pubkey. */
export const CONSOLIDATION_REQUEST_BYTES = 116;

/**
 * Both request contracts share one storage layout (EIPs 7002 and 7251): slot 0 excess, slot 1 count of
 * requests in the current block, slot 2 queue head, slot 3 queue tail. Their init code writes
 * EXCESS_INHIBITOR (2**256 - 1) into slot 0 until the first system call.
 */
export const REQUEST_EXCESS_SLOT = 0;
export const REQUEST_COUNT_SLOT = 1;
export const REQUEST_QUEUE_HEAD_SLOT = 2;
export const REQUEST_QUEUE_TAIL_SLOT = 3;
export const EXCESS_INHIBITOR = 2n ** 256n - 1n;
