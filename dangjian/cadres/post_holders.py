"""What the cadre records tell the accounts app (core.extensions.secretary_posts): every 书记 post,
with the person's register record when the cadre record links one (or its ID number matches a member),
so that a secretary's account follows the post (issue 14)."""
from __future__ import annotations

from dangjian.core.extensions import PostHolder
from dangjian.register.models import Member

from .models import Cadre
from .vocab import Post


def secretary_posts() -> list[PostHolder]:
    rows = list(Cadre.objects.filter(post=Post.SECRETARY).values_list(
        "organization_id", "name", "started_on", "ended_on", "member_id", "id_number_hash"))
    hashes = {h for *_rest, member_id, h in rows if member_id is None and h}
    by_hash = dict(Member.objects.filter(id_number_hash__in=hashes).values_list("id_number_hash", "pk")) if hashes else {}
    return [PostHolder(organization_id=org_id, name=name, started_on=started, ended_on=ended,
                       member_id=member_id or by_hash.get(h))
            for org_id, name, started, ended, member_id, h in rows]
