"""One Session Inspector in front of the app under test, and what a test does with it: move
the clock, close the browser, read the sessions, change the settings."""
import datetime

from . import browsers
from .client import ApiError, ControlClient
from .duration import to_seconds
from .process import InspectorProcess


class Clock:
    def __init__(self, inspector):
        self._inspector = inspector

    def advance(self, amount):
        """Moves the engine clock forward: "20m", "90s", "1h30m", "2d", seconds, or a timedelta."""
        state = self._inspector.api.post('/api/clock/advance', {'seconds': to_seconds(amount)})
        self._inspector._clock_moved()
        return state

    def set(self, moment):
        """Puts the engine clock at a moment: an aware datetime (a naive one is UTC) or ISO text."""
        if isinstance(moment, datetime.datetime):
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=datetime.timezone.utc)
            moment = moment.isoformat()
        state = self._inspector.api.post('/api/clock/set', {'now': moment})
        self._inspector._clock_moved()
        return state

    def reset(self):
        """Back to real time."""
        return self._inspector.api.post('/api/clock/reset')

    def now(self):
        """The engine's now, an aware datetime."""
        text = self._inspector.api.get('/api/clock')['now']
        return datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))


class Settings:
    def __init__(self, inspector):
        self._inspector = inspector

    def get(self):
        return self._inspector.api.get('/api/settings')

    def set(self, values=None, **more):
        """Changes session settings (Django's names) from the next request; undone after the test."""
        changed = self._inspector.api.patch('/api/settings', dict(values or {}, **more))
        self._inspector._settings_changed = True
        return changed

    def reset(self):
        """Django's defaults (the configured settings come back after the test)."""
        reset = self._inspector.api.post('/api/settings/reset')
        self._inspector._settings_changed = True
        return reset


class Inspector:
    """A running Session Inspector. ``url(path)`` is the app through its proxy; ``browser``
    (a Playwright BrowserContext or Page, or a Selenium WebDriver), when set, is the test's
    browser: its jar follows clock changes, and close_browser() and session() use it."""

    def __init__(self, process, settings=None):
        self.process = process
        ready = process.ready
        self.proxy_url = ready['proxyUrl']
        self.control_url = ready['controlUrl']
        self.ui_url = ready['uiUrl']
        self.token = ready['token']
        self.mode = ready['mode']
        self.upstream = ready['upstream']
        self.api = ControlClient(self.control_url, self.token)
        self.clock = Clock(self)
        self.settings = Settings(self)
        self.configured_settings = dict(settings or {})
        self.browser = None
        self._settings_changed = False
        if self.configured_settings:
            self.api.patch('/api/settings', self.configured_settings)

    def url(self, path='/'):
        """The app's URL for `path`, through the proxy."""
        return self.proxy_url.rstrip('/') + '/' + path.lstrip('/')

    def _jar(self, browser):
        browser = browser if browser is not None else self.browser
        return None if browser is None else browsers.jar_of(browser)

    def _client(self, jar):
        cid = browsers.client_id(jar)
        if not cid:
            return None
        return next((c for c in self.api.get('/api/clients')['clients'] if c['id'] == cid), None)

    def sync_cookies(self, browser=None):
        """Removes from the browser the cookies the proxy holds as expired on its clock or
        discarded by a close (what the proxy would tell the browser on its next request)."""
        jar = self._jar(browser)
        client = jar and self._client(jar)
        if not client:
            return []
        gone = [m for m in client['cookies'] if m['state'] != 'live']
        stale = [c for c in jar.cookies() if any(browsers.same_cookie(c, m) for m in gone)]
        for c in stale:
            jar.forget(c)
        return [c['name'] for c in stale]

    def _clock_moved(self):
        if self.browser is not None:
            self.sync_cookies()

    def close_browser(self, browser=None):
        """A browser close, as a real one: the proxy discards the browser-session cookies it
        mirrors (of this browser, or of every browser when none is known), and this browser's
        own jar loses its session cookies; persistent ones stay. Returns {discarded, kept}: the
        cookies the jar held when the close began (a request still on its way, such as the
        page's favicon, may meanwhile be told by the proxy to forget one it discarded)."""
        jar = self._jar(browser)
        if jar is None:
            result = self.api.post('/api/browser/close', {})
            return {key: sorted({n for c in result['clients'] for n in c[key]}) for key in ('discarded', 'kept')}
        held = jar.cookies()
        cid = browsers.client_id(jar)
        if cid:
            try:
                self.api.post('/api/browser/close', {'client': cid})
            except ApiError as e:
                if e.code != 'not_found':  # a client the proxy forgot has nothing mirrored
                    raise
        for c in jar.cookies():
            if c['session_only']:
                jar.forget(c)
        return {'discarded': [c['name'] for c in held if c['session_only']],
                'kept': [c['name'] for c in held if not c['session_only']]}

    def sessions(self, search=None, limit=1000):
        """The store's sessions, latest expiry first: one page of up to `limit` (at most 1000);
        with `search`, the store is read until that many hold the text."""
        return self.api.get('/api/sessions', search=search, limit=limit)['sessions']

    def session(self, browser=None):
        """The session of the browser's session cookie (or, with no browser known, of the only
        browser the proxy has seen); None when there is none or the store has none."""
        jar = self._jar(browser)
        if jar is not None:
            self.sync_cookies(browser)
            name = self.settings.get()['SESSION_COOKIE_NAME']
            key = next((c['value'] for c in jar.cookies() if c['name'] == name), None)
        else:
            clients = self.api.get('/api/clients')['clients']
            if len(clients) > 1:
                raise ValueError('%d browsers have been through the proxy: say whose session, session(browser)' % len(clients))
            key = clients[0]['sessionKey'] if clients else None
        if not key:
            return None
        try:
            return self.api.get('/api/sessions/' + key)
        except ApiError as e:
            if e.code == 'not_found':
                return None
            raise

    def har(self):
        """The traffic since the test began, as HAR 1.2."""
        return self.api.get('/api/har')['har']

    def begin_test(self):
        """Each test's traffic on its own, so the HAR of a failure is that test's."""
        self.api.delete('/api/traffic')

    def end_test(self):
        """The clock back to real time, the settings back to the configured ones, no browser."""
        self.browser = None
        self.api.post('/api/clock/reset')
        if self._settings_changed:
            self.api.post('/api/settings/reset')
            if self.configured_settings:
                self.api.patch('/api/settings', self.configured_settings)
            self._settings_changed = False

    def stop(self):
        self.process.stop()


def start_inspector(upstream, *, settings=None, django_project=None, django_settings=None, python=None,
                    args=(), cli=None, env=None, start_timeout=30, workdir=None):
    """Starts Session Inspector in front of `upstream` (a URL). Observe a Django project that
    keeps Django's own SessionMiddleware with `django_project` (its folder), `django_settings`
    (its settings module) and `python` (its interpreter); or give `settings` (Django's names)
    when the app runs the session_inspector_django middleware. Stop it with ``stop()``."""
    extra = []
    if django_project:
        extra += ['--django-project', str(django_project)]
    if django_settings:
        extra += ['--django-settings', django_settings]
    if python:
        extra += ['--python', str(python)]
    process = InspectorProcess(upstream, cli=cli, args=extra + list(args), env=env,
                               start_timeout=start_timeout, workdir=workdir).start()
    try:
        return Inspector(process, settings=settings)
    except Exception:
        process.stop()
        raise
