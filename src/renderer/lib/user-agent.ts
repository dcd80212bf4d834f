// A User-Agent header in a few words ("Chrome 126 on macOS"), for the clients list.

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

export function summariseUserAgent(ua: string): string {
  const text = ua.trim()
  if (!text) return 'unknown client'
  let browser: string | null = null
  for (const [re, name] of BROWSERS) {
    const m = re.exec(text)
    if (m) {
      browser = m[1] ? `${name} ${m[1]}` : name
      break
    }
  }
  const system = SYSTEMS.find(([re]) => re.test(text))?.[1] ?? null
  if (browser && system) return `${browser} on ${system}`
  if (browser) return browser
  // Something unknown: its first product token says more than nothing.
  const first = /^[^\s(]+/.exec(text)?.[0] ?? text
  return first.length > 40 ? `${first.slice(0, 39)}…` : first
}
