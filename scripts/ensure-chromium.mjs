#!/usr/bin/env node
// Makes sure a Chromium binary exists for Playwright (which never downloads its own).
//
//   node scripts/ensure-chromium.mjs             fail (exit 1) if Chromium can't be had
//   node scripts/ensure-chromium.mjs --optional  warn and exit 0 instead
//
// Uses CHROMIUM_PATH if set, else /usr/bin/chromium. When neither exists and we are
// root on a Debian/Ubuntu machine, installs the `chromium` package with apt-get.
// Node built-ins only: .ci/run calls this before `npm ci`.
import { accessSync, constants } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { delimiter, join } from 'node:path'
import { chromiumPath, defaultChromiumPath } from './chromium.mjs'

const optional = process.argv.includes('--optional')

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && isExecutable(join(dir, command)))
}

/** The `--version` line, or null if the binary doesn't run. */
function versionOf(binary) {
  // Debian's /usr/bin/chromium wrapper prints shell noise on stderr; only stdout matters.
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 })
  const version = result.status === 0 ? result.stdout.trim() : ''
  return version || null
}

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (result.status !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`)
}

function fail(reason) {
  const help = [
    reason,
    'Browser tests drive a system Chromium; Playwright is never allowed to download one. To fix, either:',
    '  - on Debian/Ubuntu, as root:  apt-get update && apt-get install -y chromium',
    '  - or point CHROMIUM_PATH at a Chromium or Chrome binary, e.g.',
    '      export CHROMIUM_PATH=/usr/bin/google-chrome',
    "      export CHROMIUM_PATH='/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'",
  ].join('\n')
  if (optional) {
    console.warn(`warning: ${help}\n(continuing: --optional)`)
    process.exit(0)
  }
  console.error(`error: ${help}`)
  process.exit(1)
}

function report(binary) {
  const version = versionOf(binary)
  if (!version) fail(`${binary} exists but \`${binary} --version\` failed.`)
  console.log(`chromium: ${version} (${binary})`)
}

if (isExecutable(chromiumPath)) {
  report(chromiumPath)
} else if (process.env.CHROMIUM_PATH) {
  // An explicit path that is wrong is a mistake to report, not a reason to install something else.
  fail(`CHROMIUM_PATH is set to ${chromiumPath}, but no executable is there.`)
} else {
  const isRoot = process.getuid?.() === 0
  if (!isRoot || !onPath('apt-get')) {
    fail(`No Chromium at ${defaultChromiumPath}, and this script can only install it as root on a machine with apt-get.`)
  }
  console.log(`No Chromium at ${defaultChromiumPath}; installing Debian's chromium package.`)
  try {
    run('apt-get', ['update'])
    run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'])
  } catch (error) {
    fail(`Installing chromium failed: ${error.message}`)
  }
  if (!isExecutable(defaultChromiumPath)) fail(`apt-get installed chromium, but ${defaultChromiumPath} is still missing.`)
  report(defaultChromiumPath)
}
