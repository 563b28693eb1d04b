import { setHasher } from "@chainsafe/persistent-merkle-tree";
import { hasher as hashtreeHasher } from "@chainsafe/persistent-merkle-tree/hasher/hashtree";

/**
 * SSZ hashes with the pure-JS SHA-256 unless told otherwise; a beacon node swaps in the native, batched
 * `hashtree` hasher (same digests, several times faster on state roots). Importing this module does it
 * once for the whole process, before any state is built.
 */
setHasher(hashtreeHasher);

export const SSZ_HASHER = hashtreeHasher.name;
