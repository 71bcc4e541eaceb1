// Entry point of the tracee executable.
import { main } from "./cli/main.ts";

// Computed here, in the entry module, so that it resolves both from source and inside the compiled executable.
const workerUrl = new URL("./poll-worker.ts", import.meta.url).href;

main(process.argv.slice(2), workerUrl).then((code) => process.exit(code));
