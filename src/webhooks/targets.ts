// Where deliveries may go. A webhook makes this server send requests to an address someone typed:
// unless allowed (WEBHOOK_ALLOW_PRIVATE_TARGETS, for a receiver on the same machine in tests),
// refuse every address that is not on the public internet — loopback, private networks,
// link-local (cloud metadata at 169.254.169.254), and the like. Checked when a subscription is
// made AND at each delivery, on the addresses DNS gives at that moment, and the request then goes
// to the address that was checked (a name that resolves elsewhere a second later cannot slip by).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP } from 'node:net'

const notPublic = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  notPublic.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: an IPv4 address inside
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  notPublic.addSubnet(network, prefix, 'ipv6')
}

const notPublicKind = 'a private, loopback, link-local or reserved address'

/** Why an address may not receive deliveries, or null when it may. */
export function refusalOf(address: string): string | null {
  const family = isIP(address)
  if (family === 0) return `${address} is not an IP address`
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1]
  if (mapped !== undefined) return refusalOf(mapped)
  if (notPublic.check(address, family === 4 ? 'ipv4' : 'ipv6')) {
    return `${address} is ${notPublicKind}`
  }
  return null
}

export class TargetRefused extends Error {}

/** The refusal, saying which name led to the address when the URL named a host. */
const resolvedTo = (host: string, address: string, refusal: string) =>
  host === address || !refusal.startsWith(`${address} is `) ? refusal : `${host} resolves to ${address}, ${notPublicKind}`

/** Every address a host name resolves to (one, for an address written in the URL). */
function resolve(host: string): Promise<LookupAddress[]> {
  return new Promise((resolvePromise, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolvePromise(addresses))),
  )
}

/** The URL's host as DNS and the address checks take it (IPv6 without its brackets). */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1')

/**
 * Why a URL may not be subscribed, or null. Its scheme is http or https, it carries no user name
 * or password, and (unless private targets are allowed) every address its host resolves to now is public.
 */
export async function urlRefusal(value: string, allowPrivate: boolean): Promise<string | null> {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'is not a URL'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http:// or https:// URL'
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password (the signature authenticates)'
  if (allowPrivate) return null
  let addresses: LookupAddress[]
  try {
    addresses = await resolve(hostOf(url))
  } catch (error) {
    return `its host ${url.hostname} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`
  }
  for (const { address } of addresses) {
    const refusal = refusalOf(address)
    if (refusal !== null) return `${resolvedTo(hostOf(url), address, refusal)}; deliveries go only to public addresses`
  }
  return null
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for http.request that resolves the host and refuses it when any of its addresses is
 * not public: the connection is made to an address that was checked.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
    resolve(hostname.replace(/^\[(.*)\]$/, '$1')).then(
      (addresses) => {
        if (!allowPrivate) {
          for (const { address } of addresses) {
            const refusal = refusalOf(address)
            if (refusal !== null) {
              callback(new TargetRefused(`refused: ${resolvedTo(hostname, address, refusal)}`), '', 0)
              return
            }
          }
        }
        const [first] = addresses
        if (first === undefined) callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0)
        else if (options.all === true) callback(null, addresses)
        else callback(null, first.address, first.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    )
  }
}
