"""Review (调阅) of activity records and its comments."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dangjian.core import audit, extensions
from dangjian.core.roles import is_supervisor
from dangjian.core.actor import Actor
from dangjian.core.validation import raise_if as _raise_if
from dangjian.core.models import AuditLog

from ..models import Activity, Review, ReviewComment
from ..vocab import CommentKind


# --- Review (调阅) ---------------------------------------------------------------------------

def is_reviewer(user) -> bool:
    return user is not None and is_supervisor(user)


@transaction.atomic(durable=True)
def log_review(activity: Activity, *, actor: Actor) -> Review | None:
    """An organiser or the county opened a record: log who, when, which record, and count it.
    A branch's own staff reading their record is not a review (returns None)."""
    user = actor.user
    if not is_reviewer(user):
        return None
    # One 调阅 per reader per record per day, however often the page is reloaded (issue 14).
    same_day = Review.objects.filter(activity=activity, reviewer=user, reviewed_at__date=timezone.localdate())
    if same_day.exists():
        return same_day.first()
    review = Review.objects.create(activity=activity, reviewer=user, reviewer_name=actor.display_name)
    Activity.objects.filter(pk=activity.pk).update(review_count=F("review_count") + 1)
    return review


@transaction.atomic(durable=True)
def add_review_comment(activity: Activity, *, actor: Actor, kind: str, text: str) -> ReviewComment:
    if not is_reviewer(actor.user):
        raise PermissionDenied("只有组织员和县委组织部可以提出调阅意见")
    text = (text or "").strip()
    errors = {"text": [] if text else ["请填写意见内容"],
              "kind": [] if kind in CommentKind.values else ["请选择意见类别"]}
    _raise_if(errors)
    comment = ReviewComment.objects.create(activity=activity, kind=kind, text=text, author=actor.user,
                                           author_name=actor.display_name)
    audit.record(actor=actor, action=AuditLog.Action.CREATED, obj=comment, object_repr=f"{activity}：{comment.get_kind_display()}",
                 changes={"kind": [None, comment.get_kind_display()], "text": [None, text]})
    if kind == CommentKind.RECTIFICATION:
        # The rectification ledger (if installed) keeps it, in this transaction (core.extensions).
        extensions.problem_raised(extensions.RaisedProblem(
            source="调阅", category="组织生活", organization_id=activity.organization_id,
            description=f"{activity}：{text}", found_on=timezone.localdate(comment.created_at),
            origin=f"orglife.reviewcomment:{comment.pk}", responsible=""), actor=actor)
    return comment


@transaction.atomic(durable=True)
def answer_review_comment(comment: ReviewComment, *, actor: Actor, answer: str) -> ReviewComment:
    comment = ReviewComment.objects.select_for_update().select_related("activity__organization").get(pk=comment.pk)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": ["请填写答复内容（整改情况）"]})
    before = comment.answer
    comment.answer, comment.answered_by, comment.answered_by_name = answer, actor.user, actor.display_name
    comment.answered_at = timezone.now()
    comment.save()
    audit.record(actor=actor, action=AuditLog.Action.CHANGED, obj=comment,
                 object_repr=f"{comment.activity}：{comment.get_kind_display()}", changes={"answer": [before or None, answer]})
    if comment.kind == CommentKind.RECTIFICATION:
        extensions.problem_answered(f"orglife.reviewcomment:{comment.pk}", answer, timezone.localdate(comment.answered_at),
                                    actor=actor)
    return comment
