"""The tutorial's programs under Django's own test runner (python manage.py test), with
Playwright for Python: SessionInspectorMixin puts Session Inspector in front of the
LiveServerTestCase's server and live_server_url through it, observing the test database."""
import os
import unittest

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings
from playwright.sync_api import sync_playwright
from session_inspector_testing.django import SessionInspectorMixin

# Playwright's sync API keeps an asyncio loop running in this thread, and Django then refuses
# the test runner's own database calls (SynchronousOnlyOperation); they are not async here.
os.environ.setdefault('DJANGO_ALLOW_ASYNC_UNSAFE', 'true')


def setUpModule():
    # One Chromium for the module's classes; each test gets its own context (its own cookies).
    global browser
    playwright = sync_playwright().start()
    unittest.addModuleCleanup(playwright.stop)
    browser = playwright.chromium.launch(executable_path=os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium'),
                                         args=['--no-sandbox'] if os.getuid() == 0 else [])
    unittest.addModuleCleanup(browser.close)


class BrowserTestCase(SessionInspectorMixin, StaticLiveServerTestCase):
    def setUp(self):
        super().setUp()
        self.context = browser.new_context(base_url=self.live_server_url)
        self.addCleanup(self.context.close)
        self.inspector.browser = self.context  # its cookies follow the inspector's clock and close
        self.page = self.context.new_page()


@override_settings(SESSION_COOKIE_AGE=20)
class PageSessionTests(BrowserTestCase):
    def test_a_visit_within_20_seconds_keeps_the_session(self):
        self.page.goto('/page/set/')
        self.inspector.clock.advance('15s')
        self.page.goto('/page/get/')  # modified = True: 20 s more
        self.inspector.clock.advance('15s')
        self.page.goto('/page/get/')
        self.assertEqual(self.page.text_content('#name'), 'Sonam')
        self.inspector.clock.advance('21s')
        self.page.goto('/page/get/')
        self.assertEqual(self.page.text_content('body').strip(), 'Your session has Expired...')

    def test_the_test_cookie(self):
        self.page.goto('/p4/set/')
        self.page.goto('/p4/check/')
        self.assertEqual(self.page.text_content('#worked'), 'True')
        self.page.goto('/p4/del/')
        self.page.goto('/p4/check/')
        self.assertEqual(self.page.text_content('#worked'), 'False')


@override_settings(SESSION_EXPIRE_AT_BROWSER_CLOSE=True)
class BrowserCloseTests(BrowserTestCase):
    def test_closing_the_browser_ends_the_session(self):
        self.page.goto('/page/set/')
        self.assertTrue(self.inspector.session()['expireAtBrowserClose'])
        self.assertIn('sessionid', self.inspector.close_browser()['discarded'])
        self.page.goto('/page/get/')
        self.assertEqual(self.page.text_content('body').strip(), 'Your session has Expired...')

    def test_set_expiry_600_outlives_a_browser_close_then_ends(self):
        self.page.goto('/p3/set/')
        self.assertEqual(self.inspector.session()['customExpiry'], 600)
        self.assertIn('sessionid', self.inspector.close_browser()['kept'])
        self.page.goto('/p3/get/')
        self.assertEqual(self.page.text_content('#name'), 'Sonam')
        self.inspector.clock.advance('10m 1s')
        self.assertEqual(self.page.goto('/p3/get/').status, 500)  # KeyError: 'name'
