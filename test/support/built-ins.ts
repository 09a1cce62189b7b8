// The tests' set-up (vitest.config.ts setupFiles): the built-in workloads handed to the lab, as the
// CLI and the worker do it (src/lab/registry.ts).
import { installBuiltIns } from '../../src/lab/registry.js';
import { BUILT_INS } from '../../workloads/index.js';

installBuiltIns(BUILT_INS);
