"""The middleware's request step: it fails loudly without the proxy and refuses a
malformed X-Session header instead of handing the view an empty session."""
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, SimpleTestCase, override_settings

from session_inspector_django.exceptions import NO_HEADER_MESSAGE

from support import header

INSPECTOR = 'session_inspector_django.middleware.SessionMiddleware'


@override_settings(ROOT_URLCONF='scenario_urls')
class RequestStepTests(SimpleTestCase):
    def test_the_fixture_runs_the_inspector_middleware(self):
        from django.conf import settings
        self.assertIn(INSPECTOR, settings.MIDDLEWARE)

    def test_without_the_header_it_fails_at_once_saying_why(self):
        self.assertEqual(NO_HEADER_MESSAGE, 'no X-Session header: is Session Inspector in front of this app?')
        with self.assertRaisesMessage(ImproperlyConfigured, NO_HEADER_MESSAGE):
            self.client.get('/op/nothing/')
        with self.assertLogs('django.request', 'ERROR') as logs:
            response = Client(raise_request_exception=False).get('/op/nothing/')
        self.assertEqual(response.status_code, 500)
        self.assertIn(NO_HEADER_MESSAGE, '\n'.join(logs.output))

    def test_a_malformed_header_is_a_400_logged_on_the_security_channel(self):
        cases = [
            ('not base64!', 'X-Session is not base64url'),
            (header(now='never'), 'X-Session: "now" must be an ISO-8601 datetime'),
            (header(v=2), 'X-Session is not protocol v1'),
        ]
        for value, message in cases:
            with self.subTest(message=message):
                with self.assertLogs('django.security.BadSessionHeader', 'ERROR') as logs:
                    response = self.client.get('/op/set/', HTTP_X_SESSION=value)
                self.assertEqual(response.status_code, 400)
                self.assertFalse(response.has_header('X-Session-Update'))
                self.assertIn(message, logs.output[0])
                self.assertIn('is Session Inspector in front of this app?', logs.output[0])

    def test_the_header_value_may_carry_surrounding_spaces(self):
        response = self.client.get('/op/get/', HTTP_X_SESSION='  %s ' % header({'name': 'Sonam'}))
        self.assertEqual(response.status_code, 200)


class SystemCheckTests(SimpleTestCase):
    def test_the_admin_still_finds_a_session_middleware(self):
        # admin.E410 looks for a subclass of Django's SessionMiddleware in MIDDLEWARE.
        errors = [e for e in checks.run_checks() if e.level >= checks.ERROR]
        self.assertEqual(errors, [])

    @override_settings(MIDDLEWARE=[
        'django.contrib.auth.middleware.AuthenticationMiddleware',
        'django.contrib.messages.middleware.MessageMiddleware',
    ])
    def test_the_check_fails_without_it(self):
        ids = [e.id for e in checks.run_checks() if e.level >= checks.ERROR]
        self.assertIn('admin.E410', ids)


@override_settings(ROOT_URLCONF='scenario_urls')
class AppReportTests(SimpleTestCase):
    """X-Session-Django: this Django's release and the SESSION_* settings.py sets, which the
    proxy takes as starting values (issue 21: SESSION_COOKIE_AGE = 20 was ignored)."""

    def report(self, response):
        import json
        from session_inspector_django.wire import decode_base64url_json
        return json.loads(json.dumps(decode_base64url_json(response['X-Session-Django'])))

    def test_every_response_names_the_django_release(self):
        import django
        response = self.client.get('/op/nothing/', HTTP_X_SESSION=header())
        self.assertEqual(self.report(response)['version'], django.get_version())

    @override_settings(SESSION_COOKIE_AGE=20, SESSION_COOKIE_SAMESITE=None, SESSION_CACHE_ALIAS='other')
    def test_it_carries_what_settings_py_sets_and_only_the_cookie_settings(self):
        settings = self.report(self.client.get('/op/get/', HTTP_X_SESSION=header()))['settings']
        self.assertEqual(settings['SESSION_COOKIE_AGE'], 20)
        self.assertIsNone(settings['SESSION_COOKIE_SAMESITE'])
        self.assertNotIn('SESSION_CACHE_ALIAS', settings)  # the store is the proxy's
        self.assertNotIn('SECRET_KEY', settings)
