"""Small helpers every app's views use the same way: the redirect after a successful POST (htmx or
not), a page of a list with the list's query string, and a role check."""
from __future__ import annotations

from typing import Iterable

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, HttpResponseRedirect


def htmx_redirect(request, url: str) -> HttpResponse:
    """After a successful POST: a redirect, or (htmx) 204 with HX-Location so htmx loads ``url``."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Location"] = url
        return response
    return HttpResponseRedirect(url)


def paginate(request, items, per_page: int) -> Page:
    """The page ``?page=`` of ``items`` (the last page when too large, the first when not a number)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The list's filters as a query string, without ``page`` and ``export`` (for page and export links)."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return params.urlencode()


def has_role(user, roles: Iterable[str]) -> bool:
    """A superuser, or a user whose role is one of ``roles``."""
    return user.is_superuser or user.role in roles


def require_role(user, roles: Iterable[str], message: str) -> None:
    """403 with ``message`` unless ``has_role(user, roles)``."""
    if not has_role(user, roles):
        raise PermissionDenied(message)
