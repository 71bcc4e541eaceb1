// Reads the user stack of an event (option stack-addresses) from stack_addresses_map; entries are freed once a
// batch is printed, since the kernel dedups identical stacks and several events of a batch may share one id.
import { mapDelete, mapLookup } from "../../ffi/libbpf.ts";
import { LIMITS } from "../events/schema.ts";
import type { Int64, TraceEvent } from "../events/types.ts";

export class StackReader {
  private readonly key = new Uint32Array(1);
  private readonly keyBytes = new Uint8Array(this.key.buffer);
  private readonly value = new BigUint64Array(LIMITS.stackDepth);
  private readonly batch = new Map<number, Int64[]>();

  constructor(private readonly fd: number) {}

  /** Fills ev.stackAddresses (an empty array when the kernel could not take the stack). */
  fill(ev: TraceEvent): void {
    if (ev.stackId <= 0) {
      ev.stackAddresses = [];
      return;
    }
    let out = this.batch.get(ev.stackId);
    if (!out) {
      out = [];
      this.key[0] = ev.stackId - 1;
      this.value.fill(0n);
      if (mapLookup(this.fd, this.keyBytes, new Uint8Array(this.value.buffer))) {
        for (const a of this.value) {
          if (a === 0n) break;
          out.push(a <= 0x1fffffffffffffn ? Number(a) : a);
        }
      }
      this.batch.set(ev.stackId, out);
    }
    ev.stackAddresses = out;
  }

  /** Frees the map entries read during this batch. */
  endBatch(): void {
    for (const id of this.batch.keys()) {
      this.key[0] = id - 1;
      mapDelete(this.fd, this.keyBytes);
    }
    this.batch.clear();
  }
}
