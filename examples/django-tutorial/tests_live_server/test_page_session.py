"""The page session against pytest-django's live_server (no inspector_options: the inspector
fixture finds live_server itself)."""


def test_a_visit_within_20_seconds_keeps_the_session(page, inspector):
    assert inspector.mode == 'observe-django'
    page.goto('/page/set/')
    inspector.clock.advance('15s')
    page.goto('/page/get/')  # modified = True: 20 s more
    inspector.clock.advance('15s')
    page.goto('/page/get/')
    assert page.text_content('#name') == 'Sonam'
    inspector.clock.advance('21s')
    page.goto('/page/get/')
    assert page.text_content('body').strip() == 'Your session has Expired...'


def test_the_session_is_in_the_test_database(page, inspector, django_db_blocker):
    from django.contrib.sessions.models import Session
    page.goto('/p3/set/')
    key = inspector.session()['key']
    with django_db_blocker.unblock():
        assert Session.objects.get(session_key=key).get_decoded() == {'name': 'Sonam', '_session_expiry': 600}
