"""The browser's own cookie jar, for Playwright (sync API: a BrowserContext or a Page) and
Selenium (a WebDriver), recognised by their methods. Session Inspector's proxy mirrors the
cookies it forwards and judges them on its clock; these let the browser's jar agree with
the mirror at once (after a clock change, after a close) instead of at its next request."""

CLIENT_COOKIE_NAME = 'si_client'


class PlaywrightJar:
    def __init__(self, context):
        self.context = context

    def cookies(self):
        # expires -1: a browser-session cookie
        return [dict(c, session_only=c.get('expires', -1) == -1) for c in self.context.cookies()]

    def forget(self, cookie):
        self.context.clear_cookies(name=cookie['name'], domain=cookie['domain'], path=cookie['path'])


class SeleniumJar:
    """Selenium sees the cookies of the current page's site only."""

    def __init__(self, driver):
        self.driver = driver

    def cookies(self):
        return [dict(c, session_only='expiry' not in c) for c in self.driver.get_cookies()]

    def forget(self, cookie):
        self.driver.delete_cookie(cookie['name'])


def jar_of(browser):
    """The jar of a Playwright BrowserContext or Page, or a Selenium WebDriver."""
    if hasattr(browser, 'clear_cookies') and hasattr(browser, 'cookies'):
        return PlaywrightJar(browser)
    context = getattr(browser, 'context', None)
    if context is not None and hasattr(context, 'clear_cookies'):
        return PlaywrightJar(context)
    if hasattr(browser, 'get_cookies') and hasattr(browser, 'delete_cookie'):
        return SeleniumJar(browser)
    raise TypeError('%r is not a Playwright BrowserContext or Page, nor a Selenium WebDriver' % (browser,))


def client_id(jar):
    """The proxy's id for this browser: its si_client cookie, once it has been through the proxy."""
    return next((c['value'] for c in jar.cookies() if c['name'] == CLIENT_COOKIE_NAME), None)


def same_cookie(held, mirrored):
    domain = mirrored.get('domain')
    return (held['name'] == mirrored['name'] and held['value'] == mirrored['value']
            and held.get('path', '/') == mirrored['path']
            and (domain is None or held.get('domain', '').lstrip('.') == domain))
