import asyncio

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache
from django.db import connections

from boards.models import Role, Space
from tests.factories import make_member, make_space, make_user


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running in the main
    thread for the rest of the session, which the async websocket tests cannot share."""
    items.sort(key=lambda item: "tests/browser/" in str(item.fspath))


@pytest.fixture(scope="session", autouse=True)
def _close_executor_connections(django_db_setup, django_db_blocker):
    """Async tests query through asgiref's shared executor thread; close its database
    connections before the test database is dropped, or PostgreSQL refuses the drop."""
    yield
    with django_db_blocker.unblock():
        asyncio.run(database_sync_to_async(connections.close_all)())


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Sign-in throttling and presence live in the cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public_space(db) -> Space:
    return make_space("jeunes", visibility=Space.Visibility.PUBLIC, name="Jeunes en projet")


@pytest.fixture
def private_space(db) -> Space:
    return make_space("comite", visibility=Space.Visibility.PRIVATE, name="Comité de travail")


@pytest.fixture
def owner(public_space, private_space):
    user = make_user("olivia")
    make_member(public_space, user, Role.OWNER)
    make_member(private_space, user, Role.OWNER)
    return user


@pytest.fixture
def facilitator(public_space, private_space):
    user = make_user("fanny")
    make_member(public_space, user, Role.FACILITATOR)
    make_member(private_space, user, Role.FACILITATOR)
    return user


@pytest.fixture
def alice(public_space, private_space):
    """A member of both spaces."""
    user = make_user("alice")
    make_member(public_space, user, Role.MEMBER)
    make_member(private_space, user, Role.MEMBER)
    return user


@pytest.fixture
def bob(public_space, private_space):
    """Another member of both spaces."""
    user = make_user("bob")
    make_member(public_space, user, Role.MEMBER)
    make_member(private_space, user, Role.MEMBER)
    return user


@pytest.fixture
def reader(public_space, private_space):
    user = make_user("rita")
    make_member(public_space, user, Role.READER)
    make_member(private_space, user, Role.READER)
    return user


@pytest.fixture
def outsider(db):
    """Signed in, member of nothing."""
    return make_user("oscar")
