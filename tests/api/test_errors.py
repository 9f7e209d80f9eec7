"""Problem details and the viewer: every problem type the service answers with has
a title in both of the viewer's languages (``viewer/src/strings.js``)."""

from __future__ import annotations

import re

from api.errors import PROBLEM_BASE, PROBLEMS
from tests.api.conftest import Served
from tests.conftest import REPO_ROOT

STRINGS = REPO_ROOT / "viewer" / "src" / "strings.js"


def _table_keys(name: str) -> set[str]:
    """The keys of one locale's table (``const <name> = { ... };``) in strings.js."""
    text = STRINGS.read_text(encoding="utf-8")
    body = re.search(rf"^const {name} = \{{\n(.*?)^\}};", text, re.S | re.M)
    assert body is not None, f"no table {name} in {STRINGS}"
    return set(re.findall(r"^\s+'?([\w:-]+)'?:", body.group(1), re.M))


def _slug(answer) -> str:  # type: ignore[no-untyped-def]
    problem = answer.json()
    assert problem["type"].startswith(PROBLEM_BASE), problem
    return str(problem["type"]).removeprefix(PROBLEM_BASE)


def test_every_problem_type_has_a_title_in_chinese_and_english(served: Served) -> None:
    slugs = {slug for _status, slug, _title in PROBLEMS.values()}
    # The types the handlers outside the table answer with, provoked for real.
    client = served.client
    viewer = served.as_("viewer")
    slugs.add(_slug(client.get("/api/v1/no-such-thing", headers=viewer)))
    slugs.add(_slug(client.delete("/api/v1/buildings", headers=viewer)))
    slugs.add(_slug(client.get("/api/v1/buildings/A/route", headers=viewer)))
    slugs.add(_slug(client.get("/api/v1/buildings", headers={"Authorization": "Bearer x"})))
    assert {"not-found", "method-not-allowed", "validation", "unauthenticated"} <= slugs
    slugs |= {"internal", "http-error"}
    for table in ("en", "zhCN"):
        keys = _table_keys(table)
        missing = sorted(s for s in slugs if f"problem_{s}" not in keys)
        assert not missing, f"{table} has no title for {missing}"
