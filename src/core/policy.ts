import { busError, type BusError } from './errors'
import { checkOptions } from './options'
import { compilePattern, type Pattern } from './pattern'

/** The two actions a policy rules on, named as in the seed's permission table. */
export type PolicyAction = 'events.send' | 'events.subscribe'

/** System globs allowed (or, under `deny`, refused) per action. */
export interface PolicyRules {
  readonly send?: readonly string[]
  readonly subscribe?: readonly string[]
}

/**
 * Who may send to and subscribe to which systems. An action whose list is missing is denied;
 * `deny` wins over any allow. A function policy must answer the same for the same arguments:
 * its answers are cached per system.
 *
 * @example
 * const cart = bus.scope({ send: ['cart.*'], subscribe: ['orders.*', 'cart.**'], deny: { subscribe: ['orders.internal'] } })
 */
export type Policy =
  | (PolicyRules & { readonly deny?: PolicyRules })
  | ((action: PolicyAction, system: string) => boolean)

export type PolicyCheck = (action: PolicyAction, system: string) => boolean

/**
 * Compiles a policy once; a malformed glob or shape throws here rather than at the first send.
 * A function policy that throws denies, and what it threw goes to `failed` (the bus's `errors$`).
 */
export function compilePolicy(policy: Policy, failed?: (error: BusError) => void): PolicyCheck {
  if (typeof policy === 'function') {
    return (action, system) => {
      try {
        return policy(action, system) === true
      } catch (cause) {
        failed?.(busError('POLICY_FAILED', `The policy threw for ${action} on "${system}": denied.`, cause))
        return false
      }
    }
  }
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw busError('INVALID_ARGUMENT', 'A policy is { send, subscribe, deny } of system globs, or a function (action, system) => boolean.')
  }
  checkOptions(policy, ['send', 'subscribe', 'deny'], 'policy')
  if (policy.deny !== undefined) checkOptions(policy.deny, ['send', 'subscribe'], 'policy.deny')
  const allowSend = compileList(policy.send, 'send')
  const allowSubscribe = compileList(policy.subscribe, 'subscribe')
  const denySend = compileList(policy.deny?.send, 'deny.send')
  const denySubscribe = compileList(policy.deny?.subscribe, 'deny.subscribe')
  return (action, system) => {
    const [allow, deny] = action === 'events.send' ? [allowSend, denySend] : [allowSubscribe, denySubscribe]
    return allow.some((p) => p.test(system)) && !deny.some((p) => p.test(system))
  }
}

/** Throws `POLICY_DENIED` unless `policy` (none allows everything) allows `action` on `system`. */
export function ensureAllowed(policy: PolicyCheck | undefined, action: PolicyAction, system: string): void {
  if (policy && !policy(action, system)) {
    throw busError('POLICY_DENIED', `The policy denies ${action} on "${system}".`)
  }
}

/** A check that passes only where both pass: a scope of a scope never widens its parent. */
export function intersect(outer: PolicyCheck | undefined, inner: PolicyCheck): PolicyCheck {
  return outer ? (action, system) => outer(action, system) && inner(action, system) : inner
}

function compileList(list: readonly string[] | undefined, name: string): Pattern[] {
  if (list === undefined) return []
  if (!Array.isArray(list)) throw busError('INVALID_ARGUMENT', `The policy's "${name}" must be an array of system globs.`)
  return list.map((glob) => compilePattern(glob, `policy glob in "${name}"`))
}
