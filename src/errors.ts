// Errors that carry their exit status: a UsageError is a bad command line (exit 2).
import { visible } from "./output/visible.ts";

export class UsageError extends Error {}

/** The one line tracee prints for a failure: user input echoed in a message cannot break the line or drive the terminal. */
export function errorLine(message: string): string {
  return `tracee: ${visible(message)}\n`;
}
