// Module declarations for the files embedded with `import ... with { type: "file" }`.
declare module "*.o" { const path: string; export default path; }
declare module "*.wasm" { const path: string; export default path; }
declare module "*.so.1" { const path: string; export default path; }
declare module "*.gz" { const path: string; export default path; }
declare const TRACEE_VERSION: string | undefined;
declare const TRACEE_COMMIT: string | undefined;
/** The embedded eBPF object's ABI stamp and SHA-256 (hex), computed by build/compile.ts. */
declare const TRACEE_OBJECT_ABI: string | undefined;
declare const TRACEE_OBJECT_SHA256: string | undefined;
