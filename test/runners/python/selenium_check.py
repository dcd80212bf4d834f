"""Selenium drives the browser instead of Playwright (Debian's python3-selenium and
chromium-driver, run with /usr/bin/python3): close_browser() and clock.advance() reach the
WebDriver's own cookies, and the app sees the session end. Run by ../python-plugin.test.ts;
exits non-zero with the assertion that failed."""
import os

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from session_inspector_testing import start_inspector

inspector = start_inspector('demo', settings={'SESSION_EXPIRE_AT_BROWSER_CLOSE': True})
options = Options()
for arg in ('--headless=new', '--no-sandbox', '--disable-gpu'):
    options.add_argument(arg)
options.binary_location = os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium')
driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=options)
try:
    names = lambda: sorted(c['name'] for c in driver.get_cookies())  # noqa: E731
    inspector.browser = driver
    driver.get(inspector.url('/page/set/'))
    assert inspector.session()['expireAtBrowserClose'], inspector.session()
    assert names() == ['sessionid', 'si_client'], names()
    assert inspector.close_browser() == {'discarded': ['sessionid'], 'kept': ['si_client']}
    assert names() == ['si_client'], names()
    driver.get(inspector.url('/page/get/'))
    assert 'Your session has Expired...' in driver.find_element(By.TAG_NAME, 'body').text

    # A request still on its way (as the favicon Chromium asks for after a page's load) that
    # reaches the proxy after its close loses the discarded cookie: the answer still names it.
    driver.get(inspector.url('/page/set/'))
    post = inspector.api.post

    def post_then_a_late_request(path, body=None):
        result = post(path, body)
        driver.get(inspector.url('/page/get/'))
        assert names() == ['si_client'], names()
        return result
    inspector.api.post = post_then_a_late_request
    try:
        assert inspector.close_browser() == {'discarded': ['sessionid'], 'kept': ['si_client']}
    finally:
        inspector.api.post = post

    inspector.end_test()
    inspector.settings.set(SESSION_COOKIE_AGE=20, SESSION_EXPIRE_AT_BROWSER_CLOSE=False)  # a cookie with Max-Age=20
    inspector.browser = driver
    driver.get(inspector.url('/page/set/'))
    assert names() == ['sessionid', 'si_client'], names()
    inspector.clock.advance('21s')
    assert names() == ['si_client'], names()
    driver.get(inspector.url('/page/get/'))
    assert 'Your session has Expired...' in driver.find_element(By.TAG_NAME, 'body').text
    print('selenium: ok')
finally:
    driver.quit()
    inspector.stop()
