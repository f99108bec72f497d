"""Small helpers every app's views use the same way: the redirect after a successful POST (htmx or
not), the body of a form page that writes through a service, a page of a list with the list's query
string, and a role check."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
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


#: Beyond this many rows a list shows the planner's estimate of its count, labelled 约.
ESTIMATE_THRESHOLD = 5_000

#: The database function (core migration 0004, PostgreSQL) that returns a query's EXPLAIN row estimate.
PLANNER_ROWS_FUNCTION = "dangjian_planner_rows"


def has_planner_estimate(queryset) -> bool:
    """Whether the queryset's database gives a row estimate (PostgreSQL, ``dangjian_planner_rows``)."""
    return connections[queryset.db].vendor == "postgresql"


def bounded_count_and_estimate(queryset, threshold: int) -> tuple[int, int | None]:
    """``(n, estimate)``: ``n`` the number of rows of ``queryset`` counted up to ``threshold + 1`` (a count
    bounded by ``LIMIT``), and when ``n`` passed ``threshold``, the planner's row estimate of the whole
    queryset (PostgreSQL; None at or below the threshold). Where the database has no estimate (SQLite)
    ``n`` is the exact count, unbounded, and the estimate None.

    On PostgreSQL both are one statement: the estimate is EXPLAINed inside the database
    (``dangjian_planner_rows``), not in a second round trip (issue 15)."""

    items = queryset.order_by().values("pk")
    connection = connections[queryset.db]
    if not has_planner_estimate(queryset):
        # Nothing to estimate with beyond the threshold (SQLite): the exact count in one statement, not a
        # bounded count and then the exact one (the two cost a 12,500-member township's list 8 ms more).
        return items.count(), None
    try:
        bounded_sql, bounded_params = items[:threshold + 1].query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # .none(), or a filter no row can pass (pk__in=[])
        return 0, None
    whole_sql, whole_params = items.query.get_compiler(queryset.db).as_sql()
    whole = connection.ops.compose_sql(whole_sql, whole_params)  # the function takes the query as text
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT n, CASE WHEN n > %s THEN {PLANNER_ROWS_FUNCTION}(%s) END"
            f" FROM (SELECT COUNT(*) AS n FROM ({bounded_sql}) AS bounded) AS counted",
            [threshold, whole, *bounded_params])
        n, estimate = cursor.fetchone()
    return n, estimate


def _asks_first_page(number) -> bool:
    """Whether ``Paginator.get_page(number)`` gives page 1 whatever the count: none, 1, or not a number
    (a number below 1 gives the last page)."""
    if number in (None, ""):
        return True
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return True


class EstimatedCountPaginator(Paginator):
    """A paginator whose count is exact up to ``ESTIMATE_THRESHOLD`` rows and beyond it the planner's
    estimate (``estimated`` is then True and the page writes 约; issue 15: at city scale the exact count
    was 112 of the member list's 117 ms). The bounded count and the estimate are one statement
    (``bounded_count_and_estimate``). Where there is no estimate (SQLite) the count stays exact. The
    estimate is a rough figure: a page past the real end is simply empty, and a page past the estimated
    end is still the rows it numbers (``validate_number``).

    Page 1 is read before the count: fewer rows than a page are all there are, counted exactly without
    a count statement (a narrow search, e.g. by name)."""

    estimated = False

    @property
    def count(self) -> int:
        if "_count" not in self.__dict__:
            items = self.object_list
            if hasattr(items, "query"):
                bounded, estimate = bounded_count_and_estimate(items, ESTIMATE_THRESHOLD)
                if bounded <= ESTIMATE_THRESHOLD:
                    self.__dict__["_count"] = bounded
                elif estimate is not None:
                    self.estimated, self.__dict__["_count"] = True, max(estimate, bounded)
                elif not has_planner_estimate(items):
                    self.__dict__["_count"] = bounded  # counted without a bound where there is no estimate
                else:
                    self.__dict__["_count"] = items.count()
            else:
                self.__dict__["_count"] = Paginator.count.func(self)
        return self.__dict__["_count"]

    def validate_number(self, number) -> int:
        """Past the last page of an estimated count the page asked for is read all the same (the estimate
        may be low, e.g. for a name filter; a page past the real end is empty); an exact count keeps
        ``Paginator``'s rule (get_page gives the last page instead)."""
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.estimated and int(number) >= 1:
                return int(number)
            raise

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if not self.estimated:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom:bottom + self.per_page], number, self)

    def get_page(self, number) -> Page:
        items = self.object_list
        if not (_asks_first_page(number) and hasattr(items, "query") and not self.orphans
                and self.allow_empty_first_page and "_count" not in self.__dict__):
            return super().get_page(number)
        rows = list(items[:self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["_count"] = len(rows)
        return self._get_page(rows, 1, self)


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
