"""Login throttling (issue 16, 等保 2.0): django-axes counts failed logins per account and per source
address; after ``DANGJIAN_LOGIN_FAILURE_LIMIT`` failures either is locked for ``DANGJIAN_LOGIN_LOCK_MINUTES``
(or until the county admin unlocks it in 用户管理). Each lock-out and unlock is an audit row."""
from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class ThrottledBackend(AxesStandaloneBackend):
    """Axes' check in front of the model backend; an authentication without a request (a management
    command, a test client's ``login``) has no source address to count and is not throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
