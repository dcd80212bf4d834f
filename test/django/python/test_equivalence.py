"""The seeds' programs, request by request, with Django's own SessionMiddleware and with
ours behind a stand-in proxy (support.FakeProxy): same pages, same cookie life. The
real proxy gets the same comparison in test/django/compare.test.ts."""
import re

from django.conf import settings
from django.test import Client, TestCase, override_settings

from support import FakeProxy

DJANGO = 'django.contrib.sessions.middleware.SessionMiddleware'
INSPECTOR = 'session_inspector_django.middleware.SessionMiddleware'
LOGIN = ('post', '/login/', {'username': 'sonam', 'password': 'session-inspector'})

PROGRAM_5 = dict(
    SESSION_COOKIE_AGE=400, SESSION_COOKIE_NAME='sessionname', SESSION_COOKIE_PATH='/home',
    SESSION_COOKIE_SECURE=True, SESSION_EXPIRE_AT_BROWSER_CLOSE=True, TIME_ZONE='Asia/Kathmandu')

SEQUENCES = {
    'program 1': ['/p1/get/', '/p1/set/', '/p1/get/', '/p1/del/', '/p1/get/'],
    'program 2': ['/p2/get/', '/p2/set/', '/p2/get/', '/p2/get/', '/p2/del/', '/p2/get/'],
    'program 3': ['/p3/set/', '/p3/get/', '/p3/del/', '/p3/set/', '/p3/get/'],
    'program 4': ['/p4/set/', '/p4/check/', '/p4/del/', '/p4/check/'],
    'page session': ['/page/get/', '/page/set/', '/page/get/', '/page/get/', '/page/del/', '/page/get/'],
    'login': ['/whoami/', LOGIN, '/whoami/', '/logout/', '/whoami/', '/p1/set/', LOGIN, LOGIN, '/whoami/'],
}

# Expiry dates differ by the instant each run took; they are compared in test_expiry.
DATE = re.compile(r'[A-Z][a-z]+\.? \d{1,2}, \d{4}, [^<]*')


def middleware(name):
    return [name if m in (DJANGO, INSPECTOR) else m for m in settings.MIDDLEWARE]


class EquivalenceTests(TestCase):
    def run_django(self, steps):
        client = Client()

        def cookie():
            morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
            return morsel.value if morsel and morsel.value else None

        with override_settings(MIDDLEWARE=middleware(DJANGO)):
            return [self.step(step, lambda *args, **kw: self.send(client, *args, **kw), cookie) for step in steps]

    def run_inspector(self, steps):
        proxy = FakeProxy(Client())
        with override_settings(MIDDLEWARE=middleware(INSPECTOR)):
            return [self.step(step, proxy.request, lambda: proxy.cookie) for step in steps]

    @staticmethod
    def send(client, method, path, **kwargs):
        return getattr(client, method)(path, **kwargs)

    @staticmethod
    def step(step, send, cookie):
        """(path, status, Location, page, cookie state): the cookie is None (no session),
        'same' (the key the browser had) or 'new' (a key it did not have)."""
        method, path, data = step if isinstance(step, tuple) else ('get', step, None)
        before = cookie()
        response = send(method, path, **({'data': data} if data else {}))
        after = cookie()
        state = None if after is None else 'same' if after == before else 'new'
        body = DATE.sub('<date>', response.content.decode())
        return (path, response.status_code, response.get('Location'), body, state)

    def compare(self, name, steps):
        django_run = self.run_django(steps)
        inspector_run = self.run_inspector(steps)
        for expected, actual in zip(django_run, inspector_run):
            with self.subTest(program=name, path=expected[0]):
                self.assertEqual(actual, expected)

    def test_the_seeds_programs(self):
        for name, steps in SEQUENCES.items():
            self.compare(name, steps)

    def test_program_5_settings(self):
        with override_settings(**PROGRAM_5):
            self.compare('program 5', ['/home/set/', '/home/get/', '/home/del/', '/home/set/', '/home/get/'])

    def test_the_page_session_with_its_20_seconds(self):
        with override_settings(SESSION_COOKIE_AGE=20):
            self.compare('page session', SEQUENCES['page session'])

    def test_the_comparison_can_fail(self):
        django_run = self.run_django(['/p1/set/', '/p1/get/'])
        inspector_run = self.run_inspector(['/p1/get/', '/p1/get/'])
        self.assertNotEqual(django_run[1][3], inspector_run[1][3])
