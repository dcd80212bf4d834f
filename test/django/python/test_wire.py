"""The wire codec: base64url JSON both ways, and every way an X-Session can be malformed."""
import base64
import json
from datetime import datetime, timedelta, timezone as dt_timezone

from django.test import SimpleTestCase

from session_inspector_django.wire import (
    MAX_UPDATE_BYTES, WireError, decode_base64url_json, encode_base64url_json,
    encode_wire_update, parse_iso_datetime, parse_wire_session,
)

from support import KEY, NOW, header, wire_json


def raw_header(value):
    text = value if isinstance(value, str) else json.dumps(value)
    return base64.urlsafe_b64encode(text.encode('utf-8')).rstrip(b'=').decode('ascii')


class Base64UrlJsonTests(SimpleTestCase):
    def test_round_trip_without_padding_and_with_utf8(self):
        value = {'name': 'Sönam 🎉', 'n': [1, 2.5, None, True], '?>': '~~~'}
        encoded = encode_base64url_json(value)
        self.assertRegex(encoded, r'^[A-Za-z0-9_-]+$')
        self.assertEqual(decode_base64url_json(encoded), value)
        # The same bytes JavaScript's TextEncoder + btoa would give.
        self.assertEqual(
            base64.urlsafe_b64decode(encoded + '==').decode('utf-8'),
            json.dumps(value, separators=(',', ':'), ensure_ascii=False))

    def test_refuses_what_javascript_cannot_parse(self):
        with self.assertRaises(ValueError):
            encode_base64url_json({'x': float('nan')})
        with self.assertRaises(TypeError):
            encode_base64url_json({'x': object()})

    def test_names_the_failing_layer(self):
        cases = [
            ('a+b/', 'not base64url'),
            ('abcde', 'not base64url'),
            (base64.urlsafe_b64encode(b'\xff\xfe{}').decode().rstrip('='), 'not UTF-8'),
            (raw_header('{"a":'), 'not JSON'),
            (raw_header('{"a": NaN}'), 'not JSON'),
        ]
        for text, message in cases:
            with self.subTest(text=text):
                with self.assertRaisesMessage(WireError, message):
                    decode_base64url_json(text)


class ParseWireSessionTests(SimpleTestCase):
    def test_reads_every_field(self):
        wire = parse_wire_session(header(
            {'name': 'Sonam'}, expireAtBrowserCloseSetting=True, expireAtBrowserClose=True,
            saveEveryRequestSetting=True))
        self.assertEqual(wire.key, KEY)
        self.assertEqual(wire.data, {'name': 'Sonam'})
        self.assertEqual(wire.now, NOW)
        self.assertEqual(wire.cookie_age, 1209600)
        self.assertEqual(wire.expiry_age, 1209600)
        self.assertEqual(wire.expiry_date, datetime(2041, 3, 15, 12, tzinfo=dt_timezone.utc))
        self.assertIs(wire.expire_at_browser_close, True)
        self.assertIs(wire.expire_at_browser_close_setting, True)
        self.assertIs(wire.save_every_request_setting, True)
        self.assertEqual(parse_wire_session(encode_base64url_json(wire.to_json())).data, wire.data)

    def test_optional_fields_may_be_missing_and_unknown_ones_are_ignored(self):
        value = {'v': 1, 'key': None, 'data': {}, 'cookieAge': 20, 'now': '2041-03-01T12:00:00Z',
                 'future': 'field'}
        wire = parse_wire_session(raw_header(value))
        self.assertIsNone(wire.key)
        self.assertIsNone(wire.expire_at_browser_close_setting)
        self.assertIsNone(wire.save_every_request_setting)

    def test_refuses_a_malformed_header_naming_the_problem(self):
        cases = [
            ('', 'X-Session is not JSON'),
            ('%%%', 'X-Session is not base64url'),
            (raw_header([1, 2]), 'X-Session is not protocol v1'),
            (raw_header(wire_json(v=2)), 'X-Session is not protocol v1'),
            (raw_header(wire_json(key=5)), '"key" must be a string or null'),
            (raw_header(wire_json(data=[1])), '"data" must be an object'),
            (raw_header(dict(wire_json(), data=None)), '"data" must be an object'),
            (raw_header(wire_json({'name': 'x'}, key=None)), '"data" must be empty when "key" is null'),
            (raw_header(wire_json(now='yesterday')), '"now" must be an ISO-8601 datetime'),
            (raw_header(wire_json(now=None)), '"now" must be an ISO-8601 datetime'),
            (raw_header(wire_json(cookie_age='20')), '"cookieAge" must be a whole number'),
            (raw_header(wire_json(cookie_age=True)), '"cookieAge" must be a whole number'),
            (raw_header(wire_json(cookie_age=-1)), '"cookieAge" must be a whole number'),
            (raw_header(wire_json(expiryAge='x')), '"expiryAge" must be a whole number'),
            (raw_header(wire_json(expiryDate='soon')), '"expiryDate" must be an ISO-8601'),
            (raw_header(wire_json(expireAtBrowserClose=1)), '"expireAtBrowserClose" must be true or false'),
            (raw_header(wire_json(expireAtBrowserCloseSetting='no')), '"expireAtBrowserCloseSetting" must be'),
            (raw_header(wire_json(saveEveryRequestSetting=1)), '"saveEveryRequestSetting" must be true or false'),
        ]
        for text, message in cases:
            with self.subTest(message=message, text=text[:40]):
                with self.assertRaisesMessage(WireError, message):
                    parse_wire_session(text)


class IsoDatetimeTests(SimpleTestCase):
    def test_reads_what_django_and_javascript_write(self):
        utc = dt_timezone.utc
        cases = {
            '2041-03-01T12:00:00.000Z': datetime(2041, 3, 1, 12, tzinfo=utc),
            '2041-03-01T12:00:00+00:00': datetime(2041, 3, 1, 12, tzinfo=utc),
            '2041-03-01T12:00:00.123456+00:00': datetime(2041, 3, 1, 12, 0, 0, 123456, tzinfo=utc),
            '2041-03-01T12:00:00.123456789Z': datetime(2041, 3, 1, 12, 0, 0, 123456, tzinfo=utc),
            '2041-03-01 17:45:00+05:45': datetime(2041, 3, 1, 12, tzinfo=utc),
            '2041-03-01T07:00-0500': datetime(2041, 3, 1, 12, tzinfo=utc),
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(parse_iso_datetime(text), expected)
        naive = parse_iso_datetime('2041-03-01T12:00:00')
        self.assertIsNone(naive.tzinfo)
        self.assertEqual(parse_iso_datetime('2041-03-01T12:00:00+05:45').utcoffset(), timedelta(hours=5, minutes=45))

    def test_refuses_what_is_not_a_datetime(self):
        for text in ['', 'soon', '2041-13-01T00:00:00Z', '2041-02-30T00:00:00Z', '2041-03-01', 600, None]:
            with self.subTest(text=text):
                self.assertIsNone(parse_iso_datetime(text))


class EncodeWireUpdateTests(SimpleTestCase):
    def test_refuses_an_update_over_the_proxys_limit(self):
        with self.assertRaisesMessage(ValueError, 'Session Inspector accepts at most %d' % MAX_UPDATE_BYTES):
            encode_wire_update({'data': {'big': 'x' * MAX_UPDATE_BYTES}})

    def test_says_why_data_is_refused(self):
        with self.assertRaisesMessage(TypeError, "JSON-serializable, as with Django's JSONSerializer"):
            encode_wire_update({'data': {'when': NOW}})
