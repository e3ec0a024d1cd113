#!/usr/bin/env node
// A bounded, `stress --cpu`-like load beside a command: N worker threads spin (busy `load` percent
// of each 100 ms) for exactly as long as the command runs, then stop. It shows whether a suite
// holds on a busy machine: a test that synchronizes by time fails here first.
//
//   node scripts/cpu-hog.mjs -- npm run test:browser                 one thread per core, 100 %
//   node scripts/cpu-hog.mjs --threads 2 --load 75 -- npx playwright test e2e/sync.spec.ts
//   node scripts/cpu-hog.mjs --repeat 3 -- npm test                  three runs in a row, hog on
//   node scripts/cpu-hog.mjs --seconds 30                            no command: load for 30 s
//
// The command runs up to `--repeat` times and stops at the first failure; the exit code is its
// last one. `--max-seconds` (default 3600) bounds the whole thing: past it the command is killed
// and the exit code is 124, as timeout(1) does. Node built-ins only.
import { spawn } from 'node:child_process'
import { availableParallelism, constants } from 'node:os'
import { Worker } from 'node:worker_threads'

const USAGE = 'usage: node scripts/cpu-hog.mjs [--threads N] [--load 1-100] [--repeat N] [--max-seconds S] (--seconds S | -- command...)'

/** The options before `--`, and the command after it. */
function parseArguments(argv) {
  const split = argv.indexOf('--')
  const flags = split === -1 ? argv : argv.slice(0, split)
  const command = split === -1 ? [] : argv.slice(split + 1)
  const options = { threads: availableParallelism(), load: 100, repeat: 1, maxSeconds: 3600, seconds: undefined, command }
  const names = { '--threads': 'threads', '--load': 'load', '--repeat': 'repeat', '--max-seconds': 'maxSeconds', '--seconds': 'seconds' }
  for (let i = 0; i < flags.length; i += 2) {
    const name = names[flags[i]]
    const value = Number(flags[i + 1])
    if (!name || !Number.isFinite(value) || value <= 0) throw new Error(`cpu-hog: bad option ${flags[i]} ${flags[i + 1] ?? ''}\n${USAGE}`)
    options[name] = value
  }
  if (!Number.isInteger(options.threads) || !Number.isInteger(options.repeat) || options.load > 100) throw new Error(`cpu-hog: threads and repeat are whole numbers, load at most 100\n${USAGE}`)
  if ((command.length === 0) === (options.seconds === undefined)) throw new Error(`cpu-hog: give a command after -- or --seconds, not both\n${USAGE}`)
  return options
}

// Each thread spins for `busyMs` of every 100 ms and sleeps the rest (Atomics.wait: a real sleep,
// no CPU). Terminating the worker stops it even mid-spin.
const SPINNER = `
const { workerData } = require('node:worker_threads')
const nap = new Int32Array(new SharedArrayBuffer(4))
let sink = 0
for (;;) {
  const until = Date.now() + workerData.busyMs
  while (Date.now() < until) sink = (sink * 31 + 7) % 1000003
  if (workerData.busyMs < 100) Atomics.wait(nap, 0, 0, 100 - workerData.busyMs)
}
`

function startHog(threads, load) {
  const workers = Array.from({ length: threads }, () => new Worker(SPINNER, { eval: true, workerData: { busyMs: load } }))
  return () => Promise.all(workers.map((worker) => worker.terminate()))
}

/** Runs the command once; resolves with its exit code (128 + signal number when killed). */
function run(command, register) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit' })
    register(child)
    child.once('error', (error) => {
      console.error(`cpu-hog: could not start ${command[0]}: ${error.message}`)
      resolve(127)
    })
    child.once('exit', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)))
  })
}

async function main() {
  const options = parseArguments(process.argv.slice(2))
  const stopHog = startHog(options.threads, options.load)
  console.log(`cpu-hog: ${options.threads} thread(s) at ${options.load} %`)
  let child
  let stopped = false
  let timedOut = false
  const stop = (signal) => {
    stopped = true
    if (child?.exitCode === null) child.kill(signal)
  }
  const deadline = setTimeout(() => {
    timedOut = true
    console.error(`cpu-hog: over --max-seconds ${options.maxSeconds}; stopping.`)
    stop('SIGTERM')
  }, options.maxSeconds * 1000)
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal))

  let code = 0
  if (options.command.length === 0) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.seconds, options.maxSeconds) * 1000))
  }
  for (let round = 1; round <= options.repeat && options.command.length > 0 && !stopped; round += 1) {
    const started = Date.now()
    code = await run(options.command, (spawned) => (child = spawned))
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    console.log(`cpu-hog: run ${round}/${options.repeat} of \`${options.command.join(' ')}\` ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${seconds} s`)
    if (code !== 0) break
  }
  clearTimeout(deadline)
  await stopHog()
  process.exit(timedOut ? 124 : code)
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(2)
})
