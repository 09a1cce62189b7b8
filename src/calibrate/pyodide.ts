/**
 * Runs the project's Python scripts in Pyodide (CPython compiled to WebAssembly), the one way to
 * measure a CPython 3.14 on machines that have none installed. Pyodide is not a dependency (it is
 * 14 MB); `npm i --no-save pyodide@314.0.7` installs CPython 3.14.2, with the incremental collector
 * of 3.14.1–3.14.4.
 */
import { readFileSync } from 'node:fs';

interface Pyodide {
  runPython(code: string): unknown;
  setStdout(options: { batched: (line: string) => void }): void;
}

/** The Pyodide version the calibrations were measured with. */
export const PYODIDE_PACKAGE = 'pyodide@314.0.7';

type LoadPyodide = () => Promise<Pyodide>;
let loader: Promise<LoadPyodide | undefined> | undefined;

function pyodideLoader(): Promise<LoadPyodide | undefined> {
  loader ??= import('pyodide' as string).then(
    (m) => (m as { loadPyodide: LoadPyodide }).loadPyodide,
    () => undefined,
  );
  return loader;
}

/** Whether Pyodide can be imported. */
export async function pyodideInstalled(): Promise<boolean> {
  return (await pyodideLoader()) !== undefined;
}

/**
 * Runs `script` (a path; its `if __name__ == '__main__'` block is left out) as `main(argv)` in a
 * fresh Pyodide interpreter, as the real calibrations start a process per run, and returns what it
 * printed. Throws if Pyodide is not installed (check `pyodideInstalled` first).
 */
export async function runInPyodide(script: string, argv: readonly string[]): Promise<string> {
  const loadPyodide = await pyodideLoader();
  if (loadPyodide === undefined) throw new Error(`Pyodide is not installed; install it without saving it: npm i --no-save ${PYODIDE_PACKAGE}`);
  const source = readFileSync(script, 'utf8').replace(/\nif __name__ == .__main__.:[\s\S]*$/, '\n');
  const py = await loadPyodide();
  let printed = '';
  py.setStdout({ batched: (line) => (printed += line) });
  py.runPython(`${source}\nmain(${JSON.stringify(argv)})`);
  return printed;
}
