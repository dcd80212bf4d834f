// Shown when the page has no way to reach the inspector: no Electron bridge and no token.
export function ConnectHelp({ refused = false }: { refused?: boolean }) {
  const here = typeof window !== 'undefined' ? window.location.origin : 'http://127.0.0.1:8081'
  return (
    <main className="connect-help">
      <div className="connect-card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Session Inspector
        </div>
        <h1>{refused ? 'The access token was refused' : 'Open the inspector with its access token'}</h1>
        <p>
          {refused
            ? 'This page was opened with a token that Session Inspector does not accept (it changes when the inspector restarts with a new data folder or --token).'
            : 'This page talks to Session Inspector through its control API, which needs the access token printed at startup.'}
        </p>
        <ol>
          <li>
            Run <code>npx session-inspector</code> (or look at the terminal where it runs).
          </li>
          <li>
            Open the web UI address it prints, including the token:
            <pre className="code-block">{`${here}/#token=…`}</pre>
          </li>
        </ol>
        <p className="muted">
          The token stays in this tab only and is removed from the address bar once read. In the desktop app this page
          opens by itself.
        </p>
      </div>
    </main>
  )
}
