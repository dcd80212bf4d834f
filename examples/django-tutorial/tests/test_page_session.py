"""The tutorial's page session: SESSION_COOKIE_AGE = 20, and getsession sets
session.modified = True, so every visit gives the session another 20 seconds."""
import pytest


@pytest.fixture
def inspector_options(django_server):
    return django_server('tutorial.settings_pagesession').inspector_options()


def test_a_visit_within_20_seconds_keeps_the_session(page, inspector):
    page.goto('/page/set/')
    page.goto('/page/get/')
    assert page.text_content('#name') == 'Sonam'
    assert page.text_content('#cookie-age') == '20'

    inspector.clock.advance('15s')
    page.goto('/page/get/')  # modified = True: saved again, 20 s from now
    inspector.clock.advance('15s')  # 30 s after set/, 15 s after the last visit
    page.goto('/page/get/')
    assert page.text_content('#name') == 'Sonam'

    inspector.clock.advance('21s')
    page.goto('/page/get/')
    assert page.text_content('body').strip() == 'Your session has Expired...'


def test_the_session_django_saved(page, context, inspector):
    page.goto('/page/set/')
    session = inspector.session()
    assert session['data'] == {'name': 'Sonam'}
    assert session['expiryAge'] == 20
    assert not session['expireAtBrowserClose']

    inspector.clock.advance('21s')
    assert 'sessionid' not in [c['name'] for c in context.cookies()]
    assert inspector.session() is None
