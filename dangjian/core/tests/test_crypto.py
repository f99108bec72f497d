"""Encryption at rest of personal numbers (core.crypto): the bulk helpers agree with the single ones."""
import hashlib
import hmac

from dangjian.core import crypto


def test_encrypt_many_seals_each_value_with_its_own_nonce(settings):
    values = ["419901198503040019", "", "13912340000", "419901198503040019"]
    tokens = crypto.encrypt_many(values)
    assert [crypto.decrypt(t) for t in tokens] == values
    assert tokens[1] == ""  # an empty value stays empty, as encrypt("") does
    assert tokens[0] != tokens[3]  # the same number twice: two nonces, two ciphertexts
    assert len({t[:20] for t in tokens if t}) == 3


def test_lookup_hash_is_the_keyed_sha256_of_the_normalised_value(settings):
    expected = hmac.new(crypto._hash_key(), b"41990119850304001X", hashlib.sha256).hexdigest()
    assert crypto.lookup_hash(" 41990119850304001x ") == expected
    assert crypto.lookup_hash("") == ""


def test_lookup_hash_many_is_lookup_hash_of_each_value(settings):
    values = ["41990119850304001x", "", " 13912340000 ", "419901198503040019"]
    assert crypto.lookup_hash_many(values) == [crypto.lookup_hash(v) for v in values]
    assert crypto.lookup_hash_many(values)[1] == "" and crypto.lookup_hash_many(values)[0] == crypto.lookup_hash(
        "41990119850304001X")
