import pytest

pytest_plugins = ["portal.testing"]


@pytest.fixture
def portal_plugins():
    return ["renewal"]
