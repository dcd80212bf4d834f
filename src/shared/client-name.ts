// What a client (a browser profile behind the proxy) is called, the same everywhere: the name
// the user gave it, else its User-Agent in a few words and a short id ("Chrome on Linux ·
// 3f2a9c"), so two unnamed clients of the same browser can still be told apart.

/** Browsers and tools by their User-Agent token; the first match wins (Edge and Opera say "Chrome" too). */
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bFirefox\/(\d+)/, 'Firefox'],
  [/\bFxiOS\/(\d+)/, 'Firefox'],
  [/\bCriOS\/(\d+)/, 'Chrome'],
  [/\bHeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/\bChrome\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  [/\bcurl\/([\d.]+)/, 'curl'],
  [/\bpython-requests\/([\d.]+)/, 'python-requests'],
  [/\bPython-urllib\/([\d.]+)/, 'Python urllib'],
  [/\bnode-fetch\/([\d.]+)/, 'node-fetch'],
  [/\bundici\b/, 'Node (undici)'],
  [/\bPostmanRuntime\/([\d.]+)/, 'Postman'],
  [/\bWget\/([\d.]+)/, 'Wget']
]

const SYSTEMS: [RegExp, string][] = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bLinux\b/, 'Linux']
]

/** What a client is called when its request had no User-Agent header. */
export const NO_USER_AGENT = 'unknown client'

function describeUserAgent(ua: string, withVersion: boolean): string {
  const text = ua.trim()
  if (!text) return NO_USER_AGENT
  let browser: string | null = null
  for (const [re, name] of BROWSERS) {
    const m = re.exec(text)
    if (m) {
      browser = withVersion && m[1] ? `${name} ${m[1]}` : name
      break
    }
  }
  const system = SYSTEMS.find(([re]) => re.test(text))?.[1] ?? null
  if (browser && system) return `${browser} on ${system}`
  if (browser) return browser
  // Something unknown: its first product token (without its version) says more than nothing.
  const first = /^[^\s(]+/.exec(text)?.[0] ?? text
  const product = withVersion ? first : first.replace(/\/.*$/, '') || first
  return product.length > 40 ? `${product.slice(0, 39)}…` : product
}

/** A User-Agent header in a few words, with the browser's major version: "Chrome 126 on macOS", "curl 8.5.0". */
export function summariseUserAgent(ua: string): string {
  return describeUserAgent(ua, true)
}

/** A User-Agent header's browser and system without versions: "Chrome on Linux", "curl". */
export function userAgentFamily(ua: string): string {
  return describeUserAgent(ua, false)
}

/** How many characters of a client id an unnamed client's display name shows. */
export const SHORT_CLIENT_ID_LENGTH = 6

/** The first characters of a client id (its si_client cookie), enough to tell clients apart. */
export function shortClientId(id: string): string {
  return id.slice(0, SHORT_CLIENT_ID_LENGTH)
}

/**
 * The one name of a client in the UI, the control API and the CLI: the name the user gave
 * it, else "Chrome on Linux · 3f2a9c" (the User-Agent's family and the id's first characters).
 */
export function clientDisplayName(client: { id: string; name: string; userAgent: string }): string {
  const named = client.name.trim()
  return named || `${userAgentFamily(client.userAgent)} · ${shortClientId(client.id)}`
}
