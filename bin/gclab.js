#!/usr/bin/env node
// The gclab command. The TypeScript sources are compiled to dist/ by `npm ci` (prepare) or `npm run build`.
import('../dist/src/cli/main.js')
  .then((cli) => cli.main(process.argv))
  .catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
      console.error('gclab: not built yet; run `npm run build` (or `npm ci`) first');
    } else {
      console.error(`gclab: ${err && err.message ? err.message : err}`);
    }
    process.exit(1);
  });
