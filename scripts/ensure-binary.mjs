// What the ensure-* scripts share: find a system binary the tests need, or install its Debian
// package when running as root with apt-get (as CI does on a fresh machine), or say plainly how
// to get it. Node built-ins only: .ci/run calls the ensure scripts before `npm ci`.
import { accessSync, constants } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { delimiter, join } from 'node:path'

export function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** `command` as found on PATH and in `extraDirs`, or undefined. */
export function findOnPath(command, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs]
  return dirs.map((dir) => join(dir, command)).find(isExecutable)
}

/**
 * Makes sure the binary exists, exiting 1 with `help` when it can't (exit 0 with a warning under
 * `--optional`).
 *
 * @param {{ label: string, envVar: string, find: () => string | undefined, debianPackage: string, help: string[] }} spec
 */
export function ensureBinary({ label, envVar, find, debianPackage, help }) {
  const optional = process.argv.includes('--optional')
  const fail = (reason) => {
    const text = [reason, ...help].join('\n')
    if (optional) {
      console.warn(`warning: ${text}\n(continuing: --optional)`)
      process.exit(0)
    }
    console.error(`error: ${text}`)
    process.exit(1)
  }
  const report = (binary) => {
    // Some wrappers (Debian's chromium) print shell noise on stderr; only stdout matters.
    const result = spawnSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 })
    const version = result.status === 0 ? result.stdout.trim() : ''
    if (!version) fail(`${binary} exists but \`${binary} --version\` failed.`)
    console.log(`${label}: ${version} (${binary})`)
  }

  const found = find()
  if (found) return report(found)
  // An explicit path that is wrong is a mistake to report, not a reason to install something else.
  if (process.env[envVar]) fail(`${envVar} is set to ${process.env[envVar]}, but no executable is there.`)
  if (process.getuid?.() !== 0 || !findOnPath('apt-get')) fail(`No ${label} found, and this script can only install it as root on a machine with apt-get.`)
  console.log(`No ${label} found; installing Debian's ${debianPackage} package.`)
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', debianPackage]]) {
    console.log(`$ apt-get ${args.join(' ')}`)
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    if (result.status !== 0) fail(`\`apt-get ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}).`)
  }
  const installed = find()
  if (!installed) fail(`apt-get installed ${debianPackage}, but no ${label} binary can be found.`)
  report(installed)
}
