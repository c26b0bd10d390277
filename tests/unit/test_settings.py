"""Configuration from the environment is checked when the process starts."""

from __future__ import annotations

import pytest

from bootstrap import ConfigurationError, Settings


def test_defaults_match_the_documented_ones() -> None:
    settings = Settings.from_env({})
    assert (settings.database_url, settings.snapshot_every, settings.default_currency) == (
        "sqlite:///bank.db",
        100,
        "EUR",
    )
    assert settings.secret_key is None


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://db/bank",
            "SNAPSHOT_EVERY": "25",
            "DEFAULT_CURRENCY": "CHF",
            "SECRET_KEY": "s3cret",
        }
    )
    assert settings == Settings("postgresql://db/bank", 25, "CHF", "s3cret")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SNAPSHOT_EVERY": "0"}, "SNAPSHOT_EVERY"),
        ({"SNAPSHOT_EVERY": "ten"}, "SNAPSHOT_EVERY"),
        ({"SNAPSHOT_EVERY": "-5"}, "SNAPSHOT_EVERY"),
        ({"DEFAULT_CURRENCY": "eur"}, "DEFAULT_CURRENCY"),
        ({"DEFAULT_CURRENCY": "EURO"}, "DEFAULT_CURRENCY"),
    ],
)
def test_a_bad_variable_is_refused_at_start_up_naming_it(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env(environ)
