"""Program 4: set_test_cookie(), test_cookie_worked(), delete_test_cookie()."""
import pytest


@pytest.fixture
def inspector_options(django_server):
    return django_server('tutorial.settings').inspector_options()


def test_the_test_cookie_worked_on_the_next_request_until_deleted(page):
    page.goto('/p4/set/')
    page.goto('/p4/check/')
    assert page.text_content('#worked') == 'True'
    page.goto('/p4/del/')
    page.goto('/p4/check/')
    assert page.text_content('#worked') == 'False'


def test_the_test_cookie_lives_two_weeks_in_the_session(page, inspector):
    page.goto('/p4/set/')
    inspector.clock.advance('14d 1s')
    page.goto('/p4/check/')
    assert page.text_content('#worked') == 'False'
