"""Program 3: set_expiry(600). Reading a session is not activity: it ends ten minutes after
set/, and get/ then fails (the tutorial's view reads request.session['name'] with no default)."""
import datetime

import pytest


@pytest.fixture
def inspector_options(django_server):
    return django_server('tutorial.settings').inspector_options()


def test_set_expiry_600_ends_the_session_ten_minutes_after_it_was_set(page, inspector):
    page.goto('/p3/set/')
    assert inspector.session()['customExpiry'] == 600

    inspector.clock.advance(datetime.timedelta(minutes=9))
    page.goto('/p3/get/')
    assert page.text_content('#name') == 'Sonam'

    inspector.clock.advance('61s')
    assert page.goto('/p3/get/').status == 500  # KeyError: 'name'
    assert inspector.session() is None
