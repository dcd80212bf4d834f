"""Program 5's SESSION_EXPIRE_AT_BROWSER_CLOSE = True: closing the browser ends the session,
unless a view gave it set_expiry(600)."""
import pytest


@pytest.fixture
def inspector_options(django_server):
    return django_server('tutorial.settings_browserclose').inspector_options()


def test_closing_the_browser_ends_the_session(page, context, inspector):
    page.goto('/page/set/')
    assert inspector.session()['expireAtBrowserClose']

    closed = inspector.close_browser()
    assert 'sessionid' in closed['discarded']
    assert 'sessionid' not in [c['name'] for c in context.cookies()]

    page.goto('/page/get/')
    assert page.text_content('body').strip() == 'Your session has Expired...'


def test_set_expiry_600_outlives_a_browser_close(page, inspector):
    page.goto('/p3/set/')
    assert 'sessionid' in inspector.close_browser()['kept']
    page.goto('/p3/get/')
    assert page.text_content('#name') == 'Sonam'
