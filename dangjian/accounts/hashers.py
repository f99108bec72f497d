"""The hasher of one-time passwords (issue 14: a county opens ~1,000 accounts at once).

Slow hashing protects passwords people choose, which are guessable; a one-time password here is 16
characters drawn at random from 56 (``onetime.generate_password``: about 92 bits), which no number
of guesses reaches, so a few thousand rounds suffice — at Django's default rounds opening 935
accounts takes minutes. It is only ever a first password: its holder must change it at the first
login (then the default hasher stores the new one), and ``must_update`` re-hashes it with the
default hasher if it is ever checked without being changed.
"""
from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_onetime"
    iterations = 5000

    def must_update(self, encoded):
        return True
