import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The users fixture hashes five passwords per test; the slow production hasher adds seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
