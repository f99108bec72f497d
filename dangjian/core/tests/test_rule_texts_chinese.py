"""Every rule setting reads in Chinese on the 规则参数 page: its name, its source and its help carry no
English words, spec references (``domain-rules §7``) or raw codes (``yizheng_sanyi``)."""
import re

from dangjian.core.rules import PARAMETERS

ALLOWED = {"MB"}  # units a user reads as such


def test_rule_settings_have_no_english_or_raw_codes():
    found = {}
    for key, p in PARAMETERS.items():
        for attr in ("label", "source", "help"):
            text = re.sub(r"GB(/T)?\s*[\d.\-—]+", "", getattr(p, attr) or "")  # a national standard's number
            words = set(re.findall(r"[A-Za-z][A-Za-z_\-]*|§", text)) - ALLOWED
            if words:
                found[f"{key}.{attr}"] = sorted(words)
    assert found == {}
