"""Webhook secrets at rest: sealed so that the graph alone does not give them away, opened only with
the data directory's key and only for the webhook they were sealed for."""

from pathlib import Path

import pytest

from api.webhook.secrets import SecretBox, UnreadableSecret, is_sealed

SECRET = "whsec_dGVzdCBzZWNyZXQgb2YgdGhpcnR5LXR3byBieXRlcyEh"


def test_a_sealed_secret_opens_with_the_key_and_the_webhook_it_was_sealed_for() -> None:
    box = SecretBox.ephemeral()
    sealed = box.seal("wh_1", SECRET)
    assert is_sealed(sealed) and SECRET not in sealed and SECRET[6:] not in sealed
    assert box.seal("wh_1", SECRET) != sealed  # a fresh nonce each time
    assert box.open("wh_1", sealed) == SECRET
    with pytest.raises(UnreadableSecret):
        box.open("wh_2", sealed)  # copied onto another webhook
    with pytest.raises(UnreadableSecret):
        SecretBox.ephemeral().open("wh_1", sealed)  # another key
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(UnreadableSecret):
        box.open("wh_1", tampered)


def test_a_plain_secret_from_before_sealing_still_opens() -> None:
    assert not is_sealed(SECRET) and SecretBox.ephemeral().open("wh_1", SECRET) == SECRET


def test_the_key_is_made_once_in_the_data_directory_and_kept(tmp_path: Path) -> None:
    sealed = SecretBox.load(tmp_path).seal("wh_1", SECRET)
    key_file = tmp_path / "keys" / "webhook-secrets.json"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert SecretBox.load(tmp_path).open("wh_1", sealed) == SECRET  # the next start reads the same key
