/**
 * Why the server cannot start, for the one log line main.ts writes before it
 * exits: the cause in words and the variable an operator would change.
 */
export class BootError extends Error {
  constructor(
    message: string,
    readonly variable?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
