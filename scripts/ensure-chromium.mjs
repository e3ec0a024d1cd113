#!/usr/bin/env node
// Makes sure a Chromium binary exists for Playwright (which never downloads its own).
//
//   node scripts/ensure-chromium.mjs             fail (exit 1) if Chromium can't be had
//   node scripts/ensure-chromium.mjs --optional  warn and exit 0 instead
//
// Uses CHROMIUM_PATH if set, else /usr/bin/chromium. When neither exists and we are
// root on a Debian/Ubuntu machine, installs the `chromium` package with apt-get.
import { chromiumPath } from './chromium.mjs'
import { ensureBinary, isExecutable } from './ensure-binary.mjs'

ensureBinary({
  label: 'chromium',
  envVar: 'CHROMIUM_PATH',
  find: () => (isExecutable(chromiumPath) ? chromiumPath : undefined),
  debianPackage: 'chromium',
  help: [
    'Browser tests drive a system Chromium; Playwright is never allowed to download one. To fix, either:',
    '  - on Debian/Ubuntu, as root:  apt-get update && apt-get install -y chromium',
    '  - or point CHROMIUM_PATH at a Chromium or Chrome binary, e.g.',
    '      export CHROMIUM_PATH=/usr/bin/google-chrome',
    "      export CHROMIUM_PATH='/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'",
  ],
})
