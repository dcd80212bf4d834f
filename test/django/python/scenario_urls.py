"""Views that each do one thing to request.session, at /op/<name>/, answering what the
call returned as JSON; the tests read the X-Session-Update the middleware sent."""
from datetime import datetime, timedelta, timezone as dt_timezone

from django.http import HttpResponse, JsonResponse
from django.template import Context, Template
from django.urls import path

MOMENT = datetime(2041, 3, 1, 12, 30, tzinfo=dt_timezone.utc)


def _set(key, value):
    def run(s):
        s[key] = value
    return run


def _flush_then_set(s):
    s.flush()
    s['name'] = 'after flush'


def _cycle_then_flush(s):
    s.cycle_key()
    s.flush()


def _flush_then_cycle(s):
    s.flush()
    s.cycle_key()


def _mutate_in_place(s):
    s['cart'].append('pear')


def _mutate_and_mark(s):
    s['cart'].append('pear')
    s.modified = True


def _set_twice_back(s):
    s['name'] = 'changed'
    s['name'] = 'Sonam'


def _del_missing(s):
    del s['missing']


def _flags(s):
    return {'accessed': s.accessed, 'modified': s.modified}


def _session_key_after(action):
    def run(s):
        action(s)
        return s.session_key
    return run


def _template(source):
    def run(s):
        return Template(source).render(Context({'session': s}))
    return run


SCENARIOS = {
    'nothing': lambda s: None,
    'session_key': lambda s: s.session_key,
    'set': _set('name', 'Sonam'),
    'set_unicode': _set('name', 'Sönam 🎉'),
    'set_nested': _set('prefs', {'theme': 'dark', 'tags': [1, 2.5, None, True]}),
    'set_datetime': _set('when', MOMENT),
    'set_nan': _set('score', float('nan')),
    'set_same': _set('name', 'Sonam'),
    'set_twice_back': _set_twice_back,
    'getitem': lambda s: s['name'],
    'getitem_missing': lambda s: s['missing'],
    'get': lambda s: s.get('name'),
    'get_default': lambda s: s.get('missing', default='Guest'),
    'contains': lambda s: 'name' in s,
    'has_key': lambda s: s.has_key('name'),
    'delitem': lambda s: s.__delitem__('name'),
    'delitem_missing': _del_missing,
    'pop': lambda s: s.pop('name'),
    'pop_missing_default': lambda s: s.pop('missing', 'fallback'),
    'pop_missing': lambda s: s.pop('missing'),
    'setdefault_present': lambda s: s.setdefault('name', 'other'),
    'setdefault_absent': lambda s: s.setdefault('age', '26'),
    'update': lambda s: s.update({'a': 1, 'b': [2]}),
    'keys': lambda s: sorted(s.keys()),
    'values': lambda s: sorted(map(str, s.values())),
    'items': lambda s: sorted([k, v] for k, v in s.items()),
    'clear': lambda s: s.clear(),
    'is_empty': lambda s: s.is_empty(),
    'flush': _session_key_after(lambda s: s.flush()),
    'cycle_key': _session_key_after(lambda s: s.cycle_key()),
    'flush_then_set': _flush_then_set,
    'cycle_then_flush': _cycle_then_flush,
    'flush_then_cycle': _flush_then_cycle,
    'save': lambda s: s.save(),
    'create': _session_key_after(lambda s: s.create()),
    'delete': lambda s: s.delete(),
    'delete_other': lambda s: s.delete('someoneelseskey1234'),
    'mark_modified': lambda s: setattr(s, 'modified', True),
    'mutate_in_place': _mutate_in_place,
    'mutate_and_mark': _mutate_and_mark,
    'flags_after_get': lambda s: (s.get('name'), _flags(s))[1],
    'set_expiry_int': lambda s: s.set_expiry(600),
    'set_expiry_zero': lambda s: s.set_expiry(0),
    'set_expiry_datetime': lambda s: s.set_expiry(MOMENT),
    'set_expiry_naive_datetime': lambda s: s.set_expiry(datetime(2041, 3, 1, 12, 30)),
    'set_expiry_timedelta': lambda s: s.set_expiry(timedelta(minutes=10)),
    'set_expiry_none': lambda s: s.set_expiry(None),
    'get_expiry_age': lambda s: s.get_expiry_age(),
    'get_expiry_age_modification': lambda s: s.get_expiry_age(modification=MOMENT - timedelta(minutes=45)),
    'get_expiry_age_expiry_int': lambda s: s.get_expiry_age(expiry=300),
    'get_expiry_age_expiry_none': lambda s: s.get_expiry_age(expiry=None),
    'get_expiry_age_expiry_datetime': lambda s: s.get_expiry_age(expiry=MOMENT),
    'get_expiry_date': lambda s: s.get_expiry_date(),
    'get_expiry_date_modification': lambda s: s.get_expiry_date(modification=MOMENT),
    'get_expiry_date_expiry_zero': lambda s: s.get_expiry_date(expiry=0),
    'get_expire_at_browser_close': lambda s: s.get_expire_at_browser_close(),
    'get_session_cookie_age': lambda s: s.get_session_cookie_age(),
    'expiry_none_then_browser_close': lambda s: (s.set_expiry(None), s.get_expire_at_browser_close())[1],
    'set_test_cookie': lambda s: s.set_test_cookie(),
    'test_cookie_worked': lambda s: s.test_cookie_worked(),
    'delete_test_cookie': lambda s: s.delete_test_cookie(),
    'clear_expired': lambda s: s.clear_expired(),
    'template_expiry_age': _template('{{ session.get_expiry_age }} seconds'),
    'template_keys': _template('{% for k in session.keys %}{{ k }} {% endfor %}'),
}


def _jsonable(value):
    if isinstance(value, datetime):
        return {'datetime': value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def run(request, name):
    result = SCENARIOS[name](request.session)
    return JsonResponse({'result': _jsonable(result)})


def fail_after_set(request, status):
    """A view that changes the session and then answers with an error status."""
    request.session['when'] = MOMENT
    return HttpResponse('failed', status=status)


urlpatterns = [
    path('op/<str:name>/', run),
    path('fail/<int:status>/', fail_after_set),
]
