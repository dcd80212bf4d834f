"""Time questions are answered from the header's `now` (the engine's clock, here in 2041,
years away from the real one), never from timezone.now()."""
from django.test import override_settings

from test_store import READ, ScenarioTestCase

AT_1210 = '2041-03-01T12:10:00+00:00'


def dt(text):
    return {'datetime': text}


class ExpiryAgeTests(ScenarioTestCase):
    def test_no_custom_expiry_is_the_headers_cookie_age(self):
        self.assertEqual(self.op('get_expiry_age', {'name': 'x'}, cookie_age=20), (20, READ))
        self.assertEqual(self.op('get_expiry_age', {'_session_expiry': 0}, cookie_age=400), (400, READ))
        self.assertEqual(self.op('get_session_cookie_age', cookie_age=400), (400, None))

    def test_seconds_of_inactivity(self):
        self.assertEqual(self.op('get_expiry_age', {'_session_expiry': 600}), (600, READ))

    def test_a_moment_counts_from_the_headers_now(self):
        self.assertEqual(self.op('get_expiry_age', {'_session_expiry': AT_1210}), (600, READ))
        self.assertEqual(self.op('get_expiry_age', {'_session_expiry': '2041-03-01T12:10:00.000Z'}), (600, READ))
        self.assertEqual(self.op('get_expiry_age', {'_session_expiry': '2041-03-01T17:55:00+05:45'}), (600, READ))
        # Past moments give negative ages, floored like Python's timedelta.
        self.assertEqual(self.op('get_expiry_age', {'_session_expiry': '2041-03-01T11:59:59.500000+00:00'}), (-1, READ))

    def test_keyword_arguments(self):
        # modification 12:30 - 45 min = 11:45, expiry 12:10: 25 minutes
        self.assertEqual(self.op('get_expiry_age_modification', {'_session_expiry': AT_1210}), (1500, READ))
        self.assertEqual(self.op('get_expiry_age_expiry_datetime'), (1800, None))
        # expiry= given: base.py promises not to load the session.
        self.assertEqual(self.op('get_expiry_age_expiry_int'), (300, None))
        self.assertEqual(self.op('get_expiry_age_expiry_none', cookie_age=77), (77, None))


class ExpiryDateTests(ScenarioTestCase):
    def test_dates_come_from_the_headers_now(self):
        self.assertEqual(self.op('get_expiry_date', {}), (dt('2041-03-15T12:00:00+00:00'), READ))
        self.assertEqual(self.op('get_expiry_date', {'_session_expiry': 600}), (dt(AT_1210), READ))
        self.assertEqual(self.op('get_expiry_date', {'_session_expiry': AT_1210}), (dt(AT_1210), READ))
        self.assertEqual(self.op('get_expiry_date_modification', {}, cookie_age=20), (dt('2041-03-01T12:30:20+00:00'), READ))
        self.assertEqual(self.op('get_expiry_date_expiry_zero', cookie_age=20), (dt('2041-03-01T12:00:20+00:00'), None))

    def test_fast_forwarded_clock(self):
        later = '2041-03-01T12:09:00.000Z'
        self.assertEqual(self.op('get_expiry_age', {'_session_expiry': AT_1210}, now=later), (60, READ))

    def test_a_template_renders_from_the_headers_now(self):
        self.assertEqual(self.op('template_expiry_age', {'_session_expiry': AT_1210}), ('600 seconds', READ))

    @override_settings(USE_TZ=False, TIME_ZONE='Asia/Kathmandu')
    def test_without_use_tz_dates_are_naive_local_time(self):
        self.assertEqual(self.op('get_expiry_date', {'_session_expiry': 600}), (dt('2041-03-01T17:55:00'), READ))
        self.assertEqual(self.op('get_expiry_date', {'_session_expiry': AT_1210}), (dt('2041-03-01T17:55:00'), READ))
        self.assertEqual(self.op('get_expiry_age', {'_session_expiry': AT_1210}), (600, READ))
        # Stored with its offset, so the engine (which reads bare strings as UTC) agrees.
        self.assertEqual(self.op('set_expiry_timedelta', {})[1]['data'], {'_session_expiry': '2041-03-01T17:55:00+05:45'})


class SetExpiryTests(ScenarioTestCase):
    def expiry_after(self, name, data=None):
        result, update = self.op(name, {} if data is None else data)
        return update['data'].get('_session_expiry', 'absent')

    def test_every_form(self):
        self.assertEqual(self.expiry_after('set_expiry_int'), 600)
        self.assertEqual(self.expiry_after('set_expiry_zero'), 0)
        # Datetimes are stored as ISO strings, as current Django does (JSON-serializable).
        self.assertEqual(self.expiry_after('set_expiry_datetime'), '2041-03-01T12:30:00+00:00')
        self.assertEqual(self.expiry_after('set_expiry_naive_datetime'), '2041-03-01T12:30:00+00:00')
        # A timedelta counts from the header's now.
        self.assertEqual(self.expiry_after('set_expiry_timedelta'), AT_1210)
        self.assertEqual(self.expiry_after('set_expiry_none', {'_session_expiry': 600, 'a': 1}), 'absent')

    def test_set_expiry_none_without_a_custom_expiry_changes_nothing(self):
        self.assertEqual(self.op('set_expiry_none', {'a': 1}), (None, READ))


class BrowserCloseTests(ScenarioTestCase):
    def test_uses_the_proxys_setting_when_there_is_no_custom_expiry(self):
        self.assertEqual(self.op('get_expire_at_browser_close', {}, expireAtBrowserCloseSetting=True), (True, READ))
        self.assertEqual(self.op('get_expire_at_browser_close', {}, expireAtBrowserCloseSetting=False), (False, READ))
        # Without the v1 extension, the header's own flag is the setting when no expiry is stored.
        self.assertEqual(self.op('get_expire_at_browser_close', {}, expireAtBrowserClose=True), (True, READ))

    def test_a_custom_expiry_decides(self):
        self.assertEqual(self.op('get_expire_at_browser_close', {'_session_expiry': 0}, expireAtBrowserCloseSetting=False), (True, READ))
        self.assertEqual(self.op('get_expire_at_browser_close', {'_session_expiry': 600}, expireAtBrowserCloseSetting=True), (False, READ))

    @override_settings(SESSION_EXPIRE_AT_BROWSER_CLOSE=True)
    def test_falls_back_to_djangos_setting_only_when_the_proxy_does_not_say(self):
        data = {'_session_expiry': 600}
        self.assertEqual(self.op('expiry_none_then_browser_close', data)[0], True)
        self.assertEqual(self.op('expiry_none_then_browser_close', data, expireAtBrowserCloseSetting=False)[0], False)
