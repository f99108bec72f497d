"""Small helpers every app's views use the same way: the redirect after a successful POST (htmx or
not), the body of a form page that writes through a service, a page of a list with the list's query
string, and a role check."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from . import roles as _roles


def htmx_redirect(request, url: str) -> HttpResponse:
    """After a successful POST: a redirect, or (htmx) 204 with HX-Location so htmx loads ``url``."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Location"] = url
        return response
    return HttpResponseRedirect(url)


def form_action(request, form, perform: Callable[[dict], Any], *, success: Callable[[Any], tuple[str, str]],
                template: str, context: dict | None = None,
                redirect: Callable[[Any, str], HttpResponse] = htmx_redirect) -> HttpResponse:
    """The body of every form page that writes through a service, written once.

    Views never write through the ORM, and services validate (raising ``ValidationError``), so the
    same few lines recurred in every app: on a valid POST call the service; if it refuses, put its
    errors on the form (``form.add_service_errors``) and show the form again (200); if it succeeds,
    a success message and the redirect (``htmx_redirect``: 302, or 204 with HX-Location for htmx).
    On GET, or an invalid form, the form is rendered.

    ``perform(form.cleaned_data)`` calls the service and returns its result; ``success(result)``
    returns ``(message, url)`` and is called only after the service succeeded. The template gets
    ``{"form": form, **context}``. ``redirect`` is for the pages that answer a plain 302 even to htmx.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = perform(form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            message, url = success(result)
            messages.success(request, message)
            return redirect(request, url)
    return render(request, template, {"form": form, **(context or {})})


def paginate(request, items, per_page: int) -> Page:
    """The page ``?page=`` of ``items`` (the last page when too large, the first when not a number)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def with_filters(request, page: Page) -> Page:
    """``page.query``: the list's filters for its page links ("a=1&", or "" when unfiltered)."""
    query = query_without_page(request)
    page.query = query + "&" if query else ""
    return page


def paginate_with_filters(request, items, per_page: int) -> Page:
    """``paginate`` with ``page.query`` set (``with_filters``)."""
    return with_filters(request, paginate(request, items, per_page))


#: Beyond this many rows (by the planner's estimate) a list shows an estimated count, labelled 约.
ESTIMATE_THRESHOLD = 5_000


def planner_estimate(queryset) -> int | None:
    """The planner's row estimate of ``queryset`` (PostgreSQL ``EXPLAIN``), None on other databases."""
    from django.db import connections

    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """A paginator whose count is exact up to ``ESTIMATE_THRESHOLD`` rows (a count bounded by
    ``LIMIT``: one cheap query, as many as before) and beyond it the planner's estimate (``estimated``
    is then True and the page writes 约; issue 15: at city scale the exact count was 112 of the member
    list's 117 ms). Where there is no estimate (SQLite) the count stays exact. The estimate is a rough
    figure: a page past the real end is simply empty."""

    estimated = False

    @property
    def count(self) -> int:
        if "_count" not in self.__dict__:
            items = self.object_list
            if hasattr(items, "query"):
                bounded = items.order_by()[:ESTIMATE_THRESHOLD + 1].count()
                estimate = planner_estimate(items) if bounded > ESTIMATE_THRESHOLD else None
                if bounded <= ESTIMATE_THRESHOLD:
                    self.__dict__["_count"] = bounded
                elif estimate is not None:
                    self.estimated, self.__dict__["_count"] = True, max(estimate, bounded)
                else:
                    self.__dict__["_count"] = items.count()
            else:
                self.__dict__["_count"] = Paginator.count.func(self)
        return self.__dict__["_count"]


def query_without_page(request) -> str:
    """The list's filters as a query string, without ``page`` and ``export`` (for page and export links)."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return params.urlencode()


def has_role(user, roles: Iterable[str]) -> bool:
    """A superuser, or a user whose role is one of ``roles`` (``core.roles.has_role``)."""
    return _roles.has_role(user, roles)


def require_role(user, roles: Iterable[str], message: str) -> None:
    """403 with ``message`` unless ``has_role(user, roles)``."""
    if not has_role(user, roles):
        raise PermissionDenied(message)


def role_required(roles: Iterable[str], message: str):
    """A view decorator: logged in, and 403 with ``message`` unless the user has one of ``roles``."""
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_role(request.user, roles, message)
            return view(request, *args, **kwargs)
        return wrapped
    return decorator


def flash_service_result(request, perform, success: str) -> bool:
    """For a POST-only action answered by a redirect: run the service; flash ``success``, or the
    service's refusal (its messages joined), and say whether the action went through."""
    try:
        perform()
    except ValidationError as err:
        messages.error(request, "；".join(err.messages))
        return False
    messages.success(request, success)
    return True
