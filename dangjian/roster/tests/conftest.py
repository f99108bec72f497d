import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The shared users fixture hashes five passwords; the roster tests do not test passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
