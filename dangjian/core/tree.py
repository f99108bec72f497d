"""A materialised-path tree: every node stores the path of its ancestors' step codes.

A subtree is one indexed prefix query (``core.scope.subtree_q``), a move is one UPDATE of the
moved subtree's paths, and there is never a recursive walk in Python. Steps are 4 base-36
characters, so a node may have up to 1.6 million children and the tree may be 60 levels deep.
"""
from __future__ import annotations

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from .scope import is_in_subtree, subtree_q

STEP = 4
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def encode_step(number: int) -> str:
    digits = []
    for _ in range(STEP):
        number, rem = divmod(number, 36)
        digits.append(_ALPHABET[rem])
    if number:
        raise ValueError("too many children under one node")
    return "".join(reversed(digits))


def decode_step(step: str) -> int:
    return int(step, 36)


class TreeQuerySet(models.QuerySet):
    def subtree(self, node, include_self: bool = True):
        qs = self.filter(subtree_q(node))
        return qs if include_self else qs.exclude(pk=node.pk)

    def ancestors_of(self, node, include_self: bool = False):
        paths = [node.path[:i] for i in range(STEP, len(node.path) + (STEP if include_self else 0), STEP)]
        return self.filter(path__in=paths).order_by("depth")


class TreeNode(models.Model):
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        abstract = True

    def is_descendant_of(self, other, include_self: bool = False) -> bool:
        if self.pk == other.pk:
            return include_self
        return is_in_subtree(self, other)

    def ancestors(self, include_self: bool = False):
        return type(self)._default_manager.ancestors_of(self, include_self=include_self)

    def descendants(self, include_self: bool = False):
        return type(self)._default_manager.subtree(self, include_self=include_self)

    def assign_path(self, parent) -> None:
        """Give an unsaved node the next free step under ``parent`` (None for a root)."""
        model = type(self)
        prefix = parent.path if parent else ""
        siblings = model._default_manager.filter(depth=(parent.depth + 1) if parent else 1)
        if parent:
            siblings = siblings.filter(subtree_q(parent))
        last = siblings.order_by("-path").values_list("path", flat=True).first()
        number = decode_step(last[-STEP:]) + 1 if last else 0
        self.parent = parent
        self.path = prefix + encode_step(number)
        self.depth = len(self.path) // STEP

    def move_subtree(self, new_parent) -> None:
        """Re-hang this node and its whole subtree under ``new_parent`` in one UPDATE."""
        model = type(self)
        old_path, old_depth = self.path, self.depth
        self.assign_path(new_parent)
        new_path, shift = self.path, self.depth - old_depth
        model._default_manager.filter(subtree_q(old_path)).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=models.CharField()),
            depth=F("depth") + shift,
        )
        model._default_manager.filter(pk=self.pk).update(parent=new_parent)
