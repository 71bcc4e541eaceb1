// Errors that carry their exit status: a UsageError is a bad command line (exit 2).
export class UsageError extends Error {}
