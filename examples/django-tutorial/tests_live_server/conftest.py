"""The same programs with pytest-django: its live_server runs the app in this process, on the
test database, and the inspector fixture observes that database (a file: TEST NAME in
tutorial/settings.py). Run: DJANGO_SETTINGS_MODULE=tutorial.settings_pagesession pytest tests_live_server"""
import os

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API keeps an asyncio loop running in this thread, and Django then refuses
# the database calls pytest-django makes for the test (SynchronousOnlyOperation).
os.environ.setdefault('DJANGO_ALLOW_ASYNC_UNSAFE', 'true')


@pytest.fixture(scope='session')
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium'),
                                    args=['--no-sandbox'] if os.getuid() == 0 else [])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, inspector):
    context = browser.new_context(base_url=inspector.proxy_url)
    inspector.browser = context
    yield context.new_page()
    context.close()
