/**
 * Runs `run` with everything written to process.stderr going into `sink` instead (the progress
 * lines and `gclab: …` problem lines of an in-process command), restored afterwards even when
 * `run` throws, so the caller sees what was written either way.
 */
export async function withStderrInto<T>(sink: string[], run: () => T | Promise<T>): Promise<T> {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    sink.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    return await run();
  } finally {
    process.stderr.write = write;
  }
}
