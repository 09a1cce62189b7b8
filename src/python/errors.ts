/**
 * The front-end's errors: a program the lab cannot run faithfully is refused before anything runs
 * (one line, `FILE:LINE:COL: unsupported …`), and a Python exception the program does not catch
 * carries a Python-style traceback.
 */

/** A construct, builtin, method or module the front-end does not simulate. */
export class UnsupportedError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly what: string,
  ) {
    super(`${file}:${line}:${col}: unsupported ${what}`);
    this.name = 'UnsupportedError';
  }
}

/** One frame of a traceback: where a Python function was when the exception passed through it. */
export interface TracebackEntry {
  readonly file: string;
  readonly line: number;
  readonly func: string;
}

/**
 * A Python exception raised in the simulated program, as a JS exception. `type` is the exception
 * class's name; `value` its object in the heap (0 when not materialised). `traceback` grows as the
 * exception leaves each frame, innermost first.
 */
export class PythonException extends Error {
  readonly traceback: TracebackEntry[] = [];
  /** The frame of the last traceback entry (an exception passes through a frame once). */
  lastFrame: unknown = undefined;
  /**
   * The objects of its args when the runtime raised it with objects rather than a message
   * (KeyError's key: _PyErr_SetKeyError packs the key itself), owned until its object is made.
   */
  argRefs: number[] = [];
  /**
   * Its traceback so far while it has no object yet (Profile.cExceptionObjectMade 'handler'),
   * owned; the object takes it over when it is made.
   */
  pendingTraceback = 0;
  /** Its `__context__` is settled: set (or found none to set) where it was raised (Runtime.chainContext). */
  chained = false;
  constructor(
    readonly type: string,
    /** The message after the type in the traceback's last line (str() of the exception). */
    public detail: string,
    /** The exception object in the simulated heap (a new reference held by this exception), or 0. */
    public value = 0,
  ) {
    super(detail === '' ? type : `${type}: ${detail}`);
    this.name = 'PythonException';
  }

  /**
   * The traceback as CPython prints it, outermost call first, with each frame's source line when
   * `source` knows the file.
   */
  formatTraceback(source?: (file: string) => string | undefined): string {
    const lines = ['Traceback (most recent call last):'];
    const texts = new Map<string, string[] | undefined>();
    for (let i = this.traceback.length - 1; i >= 0; i--) {
      const t = this.traceback[i];
      lines.push(`  File "${t.file}", line ${t.line}, in ${t.func}`);
      if (!texts.has(t.file)) texts.set(t.file, source?.(t.file)?.split('\n'));
      const text = texts.get(t.file)?.[t.line - 1]?.trim();
      if (text) lines.push(`    ${text}`);
    }
    lines.push(this.detail === '' ? this.type : `${this.type}: ${this.detail}`);
    return lines.join('\n');
  }
}
