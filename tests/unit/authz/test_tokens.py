"""Token validation refuses every classic JWT attack and accepts only our issuer's real tokens."""

import time
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from authz.tokens import MAX_TOKEN_BYTES, InvalidToken, LocalIssuer, TokenValidator
from tests.common.tokens import hmac_signed, unsigned

ISS, AUD = "https://issuer.test", "wangge-api"


KEY = RSAKey.generate_key(2048, parameters={"kid": "k-test"}, private=True)


@pytest.fixture(scope="module")
def issuer() -> LocalIssuer:
    return LocalIssuer(KEY, ISS, AUD)


@pytest.fixture(scope="module")
def validator(issuer: LocalIssuer) -> TokenValidator:
    return TokenValidator(issuer.public_keys, ISS, AUD, leeway=5)


def claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    return {"iss": ISS, "aud": AUD, "sub": "alice", "iat": now, "nbf": now, "exp": now + 60, **overrides}


def test_accepts_a_token_of_the_issuer(issuer: LocalIssuer, validator: TokenValidator) -> None:
    principal = validator.validate(issuer.issue("staff-1", ttl=60, client_id="app-minzheng"))
    assert principal.subject == "staff-1"
    assert principal.client_id == "app-minzheng"


def test_issuer_key_survives_reload(tmp_path: Path) -> None:
    first = LocalIssuer.load_or_create(tmp_path, ISS, AUD)
    again = LocalIssuer.load_or_create(tmp_path, ISS, AUD)
    assert TokenValidator(again.public_keys, ISS, AUD).validate(first.issue("bob")).subject == "bob"
    assert oct((tmp_path / "keys" / "dev-issuer.jwk.json").stat().st_mode & 0o777) == "0o600"


def _signed(key: RSAKey = KEY, **overrides: object) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims(**overrides), key)


@pytest.mark.parametrize(
    "case",
    ["none", "hs_with_public_key", "unknown_kid", "expired", "wrong_audience", "wrong_issuer",
     "not_yet_valid", "no_subject", "no_expiry", "garbage", "tampered"],
)  # fmt: skip
def test_refuses(case: str, validator: TokenValidator) -> None:
    now = int(time.time())
    other = RSAKey.generate_key(2048, parameters={"kid": "intruder"}, private=True)
    public_pem = KEY.as_pem(private=False)
    tokens = {
        "none": unsigned({"alg": "none"}, claims()),
        "hs_with_public_key": hmac_signed({"alg": "HS256", "kid": KEY.kid}, claims(), public_pem),
        "unknown_kid": _signed(other),
        "expired": _signed(exp=now - 600),
        "wrong_audience": _signed(aud="someone-else"),
        "wrong_issuer": _signed(iss="https://evil.test"),
        "not_yet_valid": _signed(nbf=now + 600),
        "no_subject": jwt.encode(
            {"alg": "RS256", "kid": KEY.kid}, {k: v for k, v in claims().items() if k != "sub"}, KEY
        ),
        "no_expiry": jwt.encode(
            {"alg": "RS256", "kid": KEY.kid}, {k: v for k, v in claims().items() if k != "exp"}, KEY
        ),
        "garbage": "not.a.jwt",
        "tampered": _signed()[:-6] + "AAAAAA",
    }
    with pytest.raises(InvalidToken):
        validator.validate(tokens[case])


def test_refuses_an_oversized_token_before_decoding_it(validator: TokenValidator) -> None:
    """Both tokens are signed by the trusted key and otherwise valid: only the size differs."""
    assert validator.validate(_signed(pad="x" * 5000)).subject == "alice"
    oversized = _signed(pad="x" * 7000)
    assert len(oversized) > MAX_TOKEN_BYTES
    with pytest.raises(InvalidToken, match="longer than"):
        validator.validate(oversized)


def test_a_token_verified_before_is_still_refused_once_it_expires(issuer: LocalIssuer) -> None:
    """Its signature is verified once per worker; its expiry is checked on every request."""
    strict = TokenValidator(issuer.public_keys, ISS, AUD, leeway=0)
    token = _signed(exp=int(time.time()) + 1)
    assert strict.validate(token).subject == "alice"
    time.sleep(2.1)
    with pytest.raises(InvalidToken):
        strict.validate(token)


def test_a_token_verified_before_is_refused_once_its_key_is_withdrawn(issuer: LocalIssuer) -> None:
    """The IdP's refreshed key set no longer holds the key that signed it: it is verified again, and fails."""
    rotated = LocalIssuer(RSAKey.generate_key(2048, parameters={"kid": "k-next"}, private=True), ISS, AUD)
    current = [issuer.public_keys()]
    validator = TokenValidator(lambda: current[0], ISS, AUD)
    token = _signed()
    assert validator.validate(token).subject == "alice"
    current[0] = rotated.public_keys()
    with pytest.raises(InvalidToken):
        validator.validate(token)
    assert validator.validate(rotated.issue("bob")).subject == "bob"


def test_a_token_altered_after_its_original_was_verified_is_refused(validator: TokenValidator) -> None:
    token = _signed(sub="carol")
    assert validator.validate(token).subject == "carol"
    header, payload, signature = token.split(".")
    forged = jwt.encode({"alg": "RS256", "kid": "k-test"}, claims(sub="mallory"), KEY).split(".")[1]
    with pytest.raises(InvalidToken):
        validator.validate(f"{header}.{forged}.{signature}")
    with pytest.raises(InvalidToken):
        validator.validate(f"{header}.{payload}.{signature[:-4]}AAAA")
