"""django.contrib.auth runs unchanged: login() cycles the session key (or flushes a
session that belongs to someone else) and logout() flushes it."""
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.test import TestCase

from support import header, update_of

CREDENTIALS = {'username': 'sonam', 'password': 'session-inspector'}


class LoginLogoutTests(TestCase):
    def login(self, data=None, **kwargs):
        response = self.client.post('/login/', CREDENTIALS, HTTP_X_SESSION=header(data or {}, **kwargs))
        self.assertEqual(response.status_code, 302, response.content)
        return update_of(response)

    def test_the_migration_created_the_test_user(self):
        self.assertTrue(get_user_model().objects.get(username='sonam').check_password('session-inspector'))

    def test_login_rotates_the_key_and_stores_the_user(self):
        update = self.login({'cart': ['apple']})
        self.assertIs(update.get('cycleKey'), True)
        self.assertNotIn('flush', update)
        user = get_user_model().objects.get(username='sonam')
        self.assertEqual(update['data']['cart'], ['apple'])  # cycle_key keeps the data
        self.assertEqual(update['data'][SESSION_KEY], str(user.pk))
        self.assertEqual(update['data'][BACKEND_SESSION_KEY], 'django.contrib.auth.backends.ModelBackend')
        self.assertEqual(update['data'][HASH_SESSION_KEY], user.get_session_auth_hash())
        self.assertIs(update['modified'], True)

    def test_login_without_a_session_rotates_too(self):
        self.assertIs(self.login(key=None).get('cycleKey'), True)

    def test_login_over_someone_elses_session_flushes_it(self):
        update = self.login({SESSION_KEY: '999', 'secret': 'theirs'})
        self.assertIs(update.get('flush'), True)
        self.assertNotIn('cycleKey', update)
        self.assertNotIn('secret', update['data'])

    def test_the_logged_in_session_is_recognised_then_logout_flushes_it(self):
        data = self.login()['data']
        response = self.client.get('/whoami/', HTTP_X_SESSION=header(data))
        self.assertEqual(response.content, b'user: sonam')
        self.assertEqual(update_of(response), {'accessed': True})

        response = self.client.get('/logout/', HTTP_X_SESSION=header(data))
        self.assertEqual(response.content, b'Logged out')
        self.assertEqual(update_of(response), {'accessed': True, 'flush': True, 'modified': True})

    def test_a_wrong_password_touches_nothing_but_reads(self):
        response = self.client.post('/login/', dict(CREDENTIALS, password='wrong'), HTTP_X_SESSION=header({}))
        self.assertEqual(response.status_code, 200)
        update = update_of(response)
        self.assertNotIn('cycleKey', update or {})
        self.assertNotIn('data', update or {})
