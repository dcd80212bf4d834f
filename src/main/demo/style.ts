// The demo's stylesheet, served at /demo.css (no inline styles, so a strict CSP holds).
export const DEMO_CSS = `:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --accent: #0c4b33; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
header, main, footer { max-width: 52rem; margin: 0 auto; padding: 0.75rem 1.25rem; }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: baseline; border-bottom: 1px solid var(--line); }
header .home { font-weight: 600; color: var(--accent); text-decoration: none; }
nav { display: flex; gap: 0.6rem; }
nav span { color: var(--muted); }
h1 { font-size: 1.5rem; }
h2 { font-size: 1.1rem; margin-top: 1.5rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9em; }
.program { border-top: 1px solid var(--line); }
.links a { margin-right: 0.75rem; }
.settings { border-collapse: collapse; margin: 0.5rem 0; }
.settings caption { text-align: left; color: var(--muted); }
.settings th, .settings td { text-align: left; padding: 0.15rem 1rem 0.15rem 0; font-weight: normal; }
.note, .exact { color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
.facts dt { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.facts dd { margin: 0; }
.error h1 { color: #b91c1c; }
.error th { text-align: right; padding-right: 1rem; font-weight: normal; color: var(--muted); }
.error pre { margin: 0; }
.expired { font-size: 1.25rem; }
footer { display: flex; flex-wrap: wrap; gap: 0.25rem 1.5rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.85rem; margin-top: 2rem; }
footer .warn { color: #b45309; }
`
