"""Content-Security-Policy (issue 16): every page is served with a policy that allows no inline
script, and no template holds one (inline <script>, on*= handlers, javascript: links, hx-on)."""
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

INLINE = re.compile(r"""<script(?![^>]*\bsrc=)(?![^>]*type="application/json")[^>]*>|\son[a-z]+\s*=\s*["']|javascript:|hx-on""",
                    re.IGNORECASE)


def test_no_template_holds_inline_script():
    found = []
    for path in (Path(settings.BASE_DIR) / "dangjian").rglob("*.html"):
        if "vendor" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if INLINE.search(line):
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()[:100]}")
    assert not found, "inline script (use data attributes handled by static/js/app.js):\n" + "\n".join(found)


def test_pages_carry_a_policy_without_inline_script(users, client_for):
    response = client_for(users["admin"]).get(reverse("core:home"))
    policy = response["Content-Security-Policy"]
    script = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script and "unsafe-inline" not in script and "unsafe-eval" not in script
    assert "frame-ancestors 'none'" in policy


def test_htmx_indicators_stay_hidden_without_htmx_inline_styles():
    """With htmx's own (inline) indicator styles switched off, the site's stylesheet must hide the
    "正在计算……" indicators outside a request, or they show on every page for good."""
    base = (Path(settings.BASE_DIR) / "dangjian" / "templates" / "base.html").read_text()
    css = re.sub(r"\s+", " ", (Path(settings.BASE_DIR) / "dangjian" / "static" / "css" / "app.css").read_text())
    if '"includeIndicatorStyles": false' in base:
        assert re.search(r"\.htmx-indicator \{[^}]*opacity: 0", css)
        assert ".htmx-request .htmx-indicator" in css
