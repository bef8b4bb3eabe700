/** Whether a test run prints every log line as it comes (`DEBUG` or `E2E_VERBOSE` set), not only a failing test's. */
export const printsEverything = (env: NodeJS.ProcessEnv = process.env): boolean =>
  Boolean(env.DEBUG || env.E2E_VERBOSE);
