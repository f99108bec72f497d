""""In the subtree of" is spelled once, in core/scope.py: no other module under dangjian/ (tests aside)
filters on a path prefix, in the ORM or in Python. A new ``path__startswith`` elsewhere fails here;
use ``subtree_q``, ``subtree_ids_q``, ``is_in_subtree`` or a scoped queryset instead."""
import re
from pathlib import Path

from django.conf import settings

PACKAGE = Path(settings.BASE_DIR) / "dangjian"
ALLOWED = {PACKAGE / "core" / "scope.py"}
FORBIDDEN = re.compile(
    r"path__i?startswith"  # an ORM prefix lookup on a path, through any relation (organization__path__...)
    r"|path\w*\}__i?startswith"  # the same lookup built from a variable naming a path field
    r"|(?<!request)\.path\.startswith\("  # a loaded node's path (request.path is a URL, not a tree path)
    r"|\b(?:scope|root|node|org|division)_path\.startswith\("
)


def path_prefix_filters(source: str) -> list[tuple[int, str]]:
    return [(number, line.strip()) for number, line in enumerate(source.splitlines(), start=1)
            if FORBIDDEN.search(line)]


def test_the_scanner_finds_each_spelling_and_passes_a_url_prefix():
    found = path_prefix_filters(
        'qs.filter(path__startswith=org.path)\n'
        'qs.filter(organization__path__startswith=p)\n'
        'Q(**{f"{field}__path__startswith": org.path})\n'
        'qs.filter(**{f"{self.scope_path_field}__startswith": org.path})\n'
        'qs.filter(path__istartswith=p)\n'
        'if org.path.startswith(root.path):\n'
        'ok = user.scope_path.startswith(p)\n'
        'if request.path.startswith("/admin/"):\n'
        'qs.filter(subtree_q(org, "organization"))\n'
        'qs.filter(number__startswith="ZG")\n')
    assert [number for number, _line in found] == [1, 2, 3, 4, 5, 6, 7]


def test_no_module_but_core_scope_filters_on_a_path_prefix():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in ALLOWED or "tests" in path.relative_to(PACKAGE).parts:
            continue
        for number, line in path_prefix_filters(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line[:100]}")
    assert not found, "路径前缀过滤只能写在 core/scope.py（用 subtree_q / is_in_subtree / 范围查询集）：\n" + "\n".join(found)
