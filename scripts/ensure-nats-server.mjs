#!/usr/bin/env node
// Makes sure a `nats-server` binary exists for the NATS bridge's browser tests and benchmark.
//
//   node scripts/ensure-nats-server.mjs             fail (exit 1) if nats-server can't be had
//   node scripts/ensure-nats-server.mjs --optional  warn and exit 0 instead
//
// Uses NATS_SERVER_PATH if set, else `nats-server` on PATH or in /usr/sbin (where Debian puts it).
// When none exists and we are root on a Debian/Ubuntu machine, installs the `nats-server` package
// with apt-get.
import { findNatsServer } from '../e2e/fixtures/nats/server-path.mjs'
import { ensureBinary } from './ensure-binary.mjs'

ensureBinary({
  label: 'nats-server',
  envVar: 'NATS_SERVER_PATH',
  find: findNatsServer,
  debianPackage: 'nats-server',
  help: [
    'The NATS bridge tests run a local nats-server (2.2 or later, for WebSocket). To fix, either:',
    '  - on Debian/Ubuntu, as root:  apt-get update && apt-get install -y nats-server',
    '  - or point NATS_SERVER_PATH at a nats-server binary (https://github.com/nats-io/nats-server/releases)',
  ],
})
