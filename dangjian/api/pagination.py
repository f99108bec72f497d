from rest_framework import pagination


class Pagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M`` (default 50, at most 200)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "页码不存在"
