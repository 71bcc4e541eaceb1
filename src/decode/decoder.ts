// The WASM event decoder: instantiates dist/embed/decoder.wasm and drives it through the shared chunk loop.
import { ChunkDecoder, type DecodeEngine } from "./chunk-decoder.ts";

export type { DecodeStats, EventSink } from "./chunk-decoder.ts";

interface DecoderExports {
  memory: WebAssembly.Memory;
  decode(ptr: number, len: number): number;
  inputPtr(): number;
  inputCap(): number;
  resultPtr(): number;
  eventsPtr(): number;
  argsPtr(): number;
}

/** The AssemblyScript module behind the DecodeEngine interface. */
export class WasmEngine implements DecodeEngine {
  readonly inputPtr: number;
  readonly inputCap: number;
  readonly resultPtr: number;
  readonly eventsPtr: number;
  readonly argsPtr: number;
  private readonly x: DecoderExports;

  /** `wasm`: the module's bytes, or the module compiled already (WebAssembly.compile, off the main thread). */
  constructor(wasm: Uint8Array | WebAssembly.Module) {
    const module = wasm instanceof WebAssembly.Module ? wasm : new WebAssembly.Module(wasm);
    const instance = new WebAssembly.Instance(module, {
      env: {
        abort(_msg: number, _file: number, line: number, col: number) {
          throw new Error(`decoder.wasm aborted at ${line}:${col}`);
        },
      },
    });
    this.x = instance.exports as unknown as DecoderExports;
    this.inputPtr = this.x.inputPtr() >>> 0;
    this.inputCap = this.x.inputCap() >>> 0;
    this.resultPtr = this.x.resultPtr() >>> 0;
    this.eventsPtr = this.x.eventsPtr() >>> 0;
    this.argsPtr = this.x.argsPtr() >>> 0;
  }

  memory(): ArrayBuffer { return this.x.memory.buffer; }
  decode(ptr: number, len: number): number { return this.x.decode(ptr, len) >>> 0; }
}

/** Decodes perf chunks with the WASM table builder; see ChunkDecoder.decodeChunk and .stats. */
export class Decoder extends ChunkDecoder {
  constructor(wasm: Uint8Array | WebAssembly.Module) {
    super(new WasmEngine(wasm));
  }
}
