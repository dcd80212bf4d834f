"""Every method of Django's session API, run in a view behind the middleware, and what it
tells the proxy in X-Session-Update (docs/protocol.md)."""
import asyncio
import json

from django.test import SimpleTestCase, override_settings

from session_inspector_django.store import SessionStore
from session_inspector_django.wire import parse_wire_session

from support import KEY, header, update_of

SONAM = {'name': 'Sonam', 'lname': 'rathore'}
READ = {'accessed': True}


@override_settings(ROOT_URLCONF='scenario_urls')
class ScenarioTestCase(SimpleTestCase):
    def op(self, name, data=None, **kwargs):
        """Runs scenario `name` on a session holding `data`; returns (result, update)."""
        response = self.client.get('/op/%s/' % name, HTTP_X_SESSION=header(
            SONAM if data is None else data, **kwargs))
        self.assertEqual(response.status_code, 200, response.content)
        return json.loads(response.content)['result'], update_of(response)


class UntouchedTests(ScenarioTestCase):
    def test_a_view_that_never_touches_the_session_sends_no_header(self):
        response = self.client.get('/op/nothing/', HTTP_X_SESSION=header(SONAM))
        self.assertFalse(response.has_header('X-Session-Update'))
        self.assertFalse(response.has_header('Vary'))

    def test_reading_session_key_is_not_an_access(self):
        self.assertEqual(self.op('session_key'), (KEY, None))
        self.assertEqual(self.op('session_key', {}, key=None), (None, None))

    def test_a_short_key_is_no_key_as_in_django(self):
        self.assertEqual(self.op('session_key', {}, key='short'), (None, None))


class ReadTests(ScenarioTestCase):
    def test_reads_mark_accessed_only(self):
        cases = {
            'getitem': 'Sonam',
            'get': 'Sonam',
            'get_default': 'Guest',
            'contains': True,
            'has_key': True,
            'keys': ['lname', 'name'],
            'values': ['Sonam', 'rathore'],
            'items': [['lname', 'rathore'], ['name', 'Sonam']],
            'setdefault_present': 'Sonam',
            'pop_missing_default': 'fallback',
            'test_cookie_worked': False,
            'template_keys': 'name lname ',
        }
        for name, expected in cases.items():
            with self.subTest(name=name):
                self.assertEqual(self.op(name), (expected, READ))

    def test_accessed_sets_vary_cookie(self):
        response = self.client.get('/op/get/', HTTP_X_SESSION=header(SONAM))
        self.assertEqual(response['Vary'], 'Cookie')

    def test_flags_follow_base_py(self):
        self.assertEqual(self.op('flags_after_get')[0], {'accessed': True, 'modified': False})

    def test_a_request_without_a_session_reads_an_empty_one(self):
        self.assertEqual(self.op('get_default', {}, key=None), ('Guest', READ))

    def test_is_empty_is_not_an_access(self):
        self.assertEqual(self.op('is_empty'), (False, None))
        self.assertEqual(self.op('is_empty', {}, key=None), (True, None))

    def test_missing_keys_raise_keyerror_as_in_django(self):
        for name in ['getitem_missing', 'delitem_missing', 'pop_missing']:
            with self.subTest(name=name):
                with self.assertRaises(KeyError):
                    self.op(name)


class WriteTests(ScenarioTestCase):
    def changed(self, data):
        return {'accessed': True, 'data': data, 'modified': True}

    def test_writes_send_the_whole_new_dict(self):
        cases = {
            'set': {'name': 'Sonam', 'lname': 'rathore'},
            'delitem': {'lname': 'rathore'},
            'pop': {'lname': 'rathore'},
            'setdefault_absent': dict(SONAM, age='26'),
            'update': dict(SONAM, a=1, b=[2]),
            'clear': {},
            'set_test_cookie': dict(SONAM, testcookie='worked'),
            'set_nested': dict(SONAM, prefs={'theme': 'dark', 'tags': [1, 2.5, None, True]}),
            'set_unicode': {'name': 'Sönam 🎉', 'lname': 'rathore'},
        }
        for name, data in cases.items():
            with self.subTest(name=name):
                result, update = self.op(name)
                if data == SONAM:
                    self.assertEqual(update, {'accessed': True, 'modified': True})
                else:
                    self.assertEqual(update, self.changed(data))

    def test_writing_a_new_session(self):
        self.assertEqual(self.op('set', {}, key=None)[1], self.changed({'name': 'Sonam'}))
        self.assertEqual(self.op('setdefault_absent', {}, key=None)[1], self.changed({'age': '26'}))

    def test_the_test_cookie_round_trip(self):
        worked = dict(SONAM, testcookie='worked')
        self.assertEqual(self.op('test_cookie_worked', worked), (True, READ))
        self.assertEqual(self.op('delete_test_cookie', worked)[1], self.changed(SONAM))

    def test_modified_without_a_change_sends_no_data(self):
        self.assertEqual(self.op('mark_modified')[1], {'modified': True})
        self.assertEqual(self.op('set_twice_back')[1], {'accessed': True, 'modified': True})

    def test_in_place_changes_count_only_when_marked_modified(self):
        cart = dict(SONAM, cart=['apple'])
        self.assertEqual(self.op('mutate_in_place', cart)[1], READ)
        self.assertEqual(self.op('mutate_and_mark', cart)[1], self.changed(dict(SONAM, cart=['apple', 'pear'])))

    def test_in_place_changes_are_sent_with_save_every_request(self):
        # Django saves the whole dict on every request then, in-place changes included;
        # the update carries them without claiming the view marked the session modified.
        cart = dict(SONAM, cart=['apple'])
        self.assertEqual(self.op('mutate_in_place', cart, saveEveryRequestSetting=True)[1],
                         dict(READ, data=dict(SONAM, cart=['apple', 'pear'])))
        self.assertEqual(self.op('mutate_in_place', cart, saveEveryRequestSetting=False)[1], READ)
        self.assertEqual(self.op('get', cart, saveEveryRequestSetting=True)[1], READ)
        self.assertEqual(self.op('mutate_and_mark', cart, saveEveryRequestSetting=True)[1],
                         self.changed(dict(SONAM, cart=['apple', 'pear'])))

    def test_without_the_field_the_apps_own_setting_decides(self):
        cart = dict(SONAM, cart=['apple'])
        with self.settings(SESSION_SAVE_EVERY_REQUEST=True):
            self.assertEqual(self.op('mutate_in_place', cart)[1], dict(READ, data=dict(SONAM, cart=['apple', 'pear'])))
            self.assertEqual(self.op('mutate_in_place', cart, saveEveryRequestSetting=False)[1], READ)

    def test_save_asks_the_proxy_to_save(self):
        self.assertEqual(self.op('save')[1], {'modified': True})

    def test_save_or_create_without_a_key_creates_one(self):
        self.assertEqual(self.op('save', {}, key=None)[1], {'cycleKey': True, 'modified': True})
        self.assertEqual(self.op('create', {}, key=None), (None, {'cycleKey': True, 'modified': True}))


class FlushAndCycleTests(ScenarioTestCase):
    def test_flush(self):
        result, update = self.op('flush')
        self.assertIsNone(result)  # the key is gone at once, as in Django
        self.assertEqual(update, {'accessed': True, 'flush': True, 'modified': True})

    def test_flush_then_set_lands_in_a_new_session(self):
        self.assertEqual(self.op('flush_then_set')[1], {
            'accessed': True, 'flush': True, 'data': {'name': 'after flush'}, 'modified': True})

    def test_flush_then_set_the_same_data_still_sends_it(self):
        # After the proxy's flush the session is empty, so the data must travel again.
        result, update = self.op('flush_then_set', {'name': 'after flush'})
        self.assertEqual(update['data'], {'name': 'after flush'})

    def test_cycle_key_keeps_the_data_under_a_key_the_proxy_picks(self):
        result, update = self.op('cycle_key')
        self.assertIsNone(result)
        self.assertEqual(update, {'accessed': True, 'cycleKey': True, 'modified': True})

    def test_cycle_key_without_a_session_creates_one(self):
        self.assertEqual(self.op('cycle_key', {}, key=None)[1], {'accessed': True, 'cycleKey': True, 'modified': True})

    def test_a_flush_after_a_cycle_undoes_the_cycle(self):
        self.assertEqual(self.op('cycle_then_flush')[1], {
            'accessed': True, 'flush': True, 'modified': True})

    def test_a_cycle_after_a_flush_creates_a_new_empty_session(self):
        self.assertEqual(self.op('flush_then_cycle')[1], {
            'accessed': True, 'flush': True, 'cycleKey': True, 'modified': True})

    def test_delete_is_a_flush_at_the_proxy(self):
        self.assertEqual(self.op('delete')[1], {'flush': True})

    def test_another_session_cannot_be_deleted(self):
        with self.assertRaisesMessage(NotImplementedError, 'only delete the current session'):
            self.op('delete_other')


class ClearExpiredTests(ScenarioTestCase):
    def test_on_the_session_it_asks_the_proxy(self):
        self.assertEqual(self.op('clear_expired'), (None, {'clearExpired': True}))

    def test_on_the_class_it_says_the_proxy_owns_the_store(self):
        with self.assertRaisesMessage(NotImplementedError, 'Session Inspector owns the session store'):
            SessionStore.clear_expired()


class SerializationTests(ScenarioTestCase):
    def test_non_json_data_fails_the_request_clearly(self):
        for name in ['set_datetime', 'set_nan']:
            with self.subTest(name=name):
                with self.assertRaisesMessage(TypeError, "JSON-serializable, as with Django's JSONSerializer"):
                    self.client.get('/op/%s/' % name, HTTP_X_SESSION=header(SONAM))

    def test_error_responses_skip_the_data_as_django_skips_the_save(self):
        response = self.client.get('/fail/500/', HTTP_X_SESSION=header(SONAM))
        self.assertEqual(update_of(response), {'accessed': True, 'modified': True})
        with self.assertRaises(TypeError):
            self.client.get('/fail/404/', HTTP_X_SESSION=header(SONAM))


class AsyncApiTests(SimpleTestCase):
    """Current Django's async session API (5.0+) answers the same way."""

    def test_async_methods(self):
        async def run():
            store = SessionStore(parse_wire_session(header({'_session_expiry': 600})))
            self.assertEqual(await store.aload(), {'_session_expiry': 600})
            self.assertEqual(await store.aget_expiry_age(), 600)
            self.assertEqual((await store.aget_expiry_date()).isoformat(), '2041-03-01T12:10:00+00:00')
            self.assertFalse(await store.aget_expire_at_browser_close())
            await store.aset_expiry(0)
            self.assertTrue(await store.aget_expire_at_browser_close())
            await store.aclear_expired()
            await store.acreate()
            await store.asave()
            self.assertFalse(await store.aexists('anotherkey123'))
            await store.adelete()
            return store.wire_update()

        self.assertEqual(asyncio.run(run()), {
            'accessed': True, 'flush': True, 'data': {'_session_expiry': 0}, 'modified': True,
            'clearExpired': True})
        with self.assertRaises(NotImplementedError):
            asyncio.run(SessionStore.aclear_expired())
