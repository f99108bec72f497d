"""URLs of the stats app for the project-wide scope matrix (dangjian/core/tests/test_scope_matrix.py).

Both pages take no URL kwargs: they show the user's own scope. Out-of-scope organisations reach them
only as ``?org=<pk>``, which answers 404 (tested in test_page.py / test_export.py).
"""


def url_cases(world) -> dict[str, dict]:
    return {"stats:index": {}, "stats:export": {}}
