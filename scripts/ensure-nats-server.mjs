#!/usr/bin/env node
// Makes sure a `nats-server` binary exists for the NATS bridge's browser tests and benchmark.
//
//   node scripts/ensure-nats-server.mjs             fail (exit 1) if nats-server can't be had
//   node scripts/ensure-nats-server.mjs --optional  warn and exit 0 instead
//
// Uses NATS_SERVER_PATH if set, else `nats-server` on PATH or in /usr/sbin (where Debian puts it).
// When none exists and we are root on a Debian/Ubuntu machine, installs the `nats-server` package
// with apt-get. Node built-ins only: .ci/run calls this before `npm ci`.
import { spawnSync } from 'node:child_process'
import { findNatsServer } from '../e2e/fixtures/nats/server-path.mjs'

const optional = process.argv.includes('--optional')

function fail(reason) {
  const help = [
    reason,
    'The NATS bridge tests run a local nats-server (2.2 or later, for WebSocket). To fix, either:',
    '  - on Debian/Ubuntu, as root:  apt-get update && apt-get install -y nats-server',
    '  - or point NATS_SERVER_PATH at a nats-server binary (https://github.com/nats-io/nats-server/releases)',
  ].join('\n')
  if (optional) {
    console.warn(`warning: ${help}\n(continuing: --optional)`)
    process.exit(0)
  }
  console.error(`error: ${help}`)
  process.exit(1)
}

function report(binary) {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 })
  const version = result.status === 0 ? result.stdout.trim() : ''
  if (!version) fail(`${binary} exists but \`${binary} --version\` failed.`)
  console.log(`nats-server: ${version} (${binary})`)
}

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  if (result.status !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`)
}

const found = findNatsServer()
if (found) {
  report(found)
} else if (process.env.NATS_SERVER_PATH) {
  fail(`NATS_SERVER_PATH is set to ${process.env.NATS_SERVER_PATH}, but no executable is there.`)
} else {
  const isRoot = process.getuid?.() === 0
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0
  if (!isRoot || !hasApt) fail('No nats-server found, and this script can only install it as root on a machine with apt-get.')
  console.log("No nats-server found; installing Debian's nats-server package.")
  try {
    run('apt-get', ['update'])
    run('apt-get', ['install', '-y', '--no-install-recommends', 'nats-server'])
  } catch (error) {
    fail(`Installing nats-server failed: ${error.message}`)
  }
  const installed = findNatsServer()
  if (!installed) fail('apt-get installed nats-server, but no nats-server binary can be found.')
  report(installed)
}
