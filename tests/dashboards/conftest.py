from tests.dashboards.story import actions, frozen, story  # noqa: F401 - fixtures
