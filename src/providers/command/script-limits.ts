/** The bounds of a script run, named once: the command provider uses them and docs/reference.md quotes them. */
export const scriptLimits = {
  /** A script still running after this is stopped (its step's timeout may stop it sooner). */
  timeoutMs: 10 * 60_000,
  /** From SIGTERM to SIGKILL of the script's process group. */
  killGraceMs: 2000,
  /** How much of each of stdout and stderr is read, from the start. */
  outputBytes: 64 * 1024,
  /** The end of stdout a finished step records as its output. */
  keptStdoutChars: 2000,
  /** The end of stderr (else stdout) a failure quotes. */
  failureTailChars: 500,
} as const;
