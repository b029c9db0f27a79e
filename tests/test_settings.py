"""Production settings: hardening on, no insecure defaults, `check --deploy` clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_ENV"}}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="a-long-random-production-key-" + "x7Gq9" * 10,
        ALLOWED_HOSTS="simpul.example.go.id",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        BLIND_INDEX_KEY="b" * 64,
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_encryption_keys(tmp_path):
    result = _manage(
        "check",
        DJANGO_ENV="production",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="simpul.example.go.id",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage("check", DJANGO_ENV="production", VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_log_level_is_read_as_gunicorn_writes_it():
    """gunicorn's settings take LOG_LEVEL in lower case (``config/gunicorn.conf.py``); the
    app read the same variable and refused to boot on ``warning`` (found by the crash test)."""
    result = _manage("check", LOG_LEVEL="warning")
    assert result.returncode == 0, result.stderr
    assert "Unable to configure root logger" not in result.stderr


def test_local_secret_key_is_generated_into_var_and_kept(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _manage("shell", "-c", code, VAR_DIR=str(tmp_path))
    second = _manage("shell", "-c", code, VAR_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text().strip()
    assert len(key) >= 50
    assert key in first.stdout and key in second.stdout


# Fault 12: weak keys must not pass. The exact values.
WEAK_KEYS = {"FIELD_ENCRYPTION_KEYS": "garbage", "BLIND_INDEX_KEY": "a"}


def test_check_deploy_refuses_a_garbage_encryption_key_and_a_short_blind_index_key(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.FIELD_ENCRYPTION_KEYS = WEAK_KEYS["FIELD_ENCRYPTION_KEYS"].split(",")
    settings.BLIND_INDEX_KEY = WEAK_KEYS["BLIND_INDEX_KEY"]
    with pytest.raises(SystemCheckError) as refused:
        call_command("check", deploy=True, tags=["security"])
    message = str(refused.value)
    assert "(simpul.E001) FIELD_ENCRYPTION_KEYS entry 1 of 1 is not a valid Fernet key" in message
    assert "(simpul.E002) BLIND_INDEX_KEY is shorter than 32 characters" in message
    assert "garbage" not in message


def test_each_encryption_key_is_checked_and_good_keys_pass(settings):
    from config.checks import key_errors

    good = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [good, "garbage"]
    settings.BLIND_INDEX_KEY = "b" * 32
    assert [e.msg.split(" is ")[0] for e in key_errors()] == ["FIELD_ENCRYPTION_KEYS entry 2 of 2"]
    settings.FIELD_ENCRYPTION_KEYS = [good]
    assert key_errors() == []


def test_production_refuses_weak_keys_on_every_command(tmp_path):
    """With DJANGO_ENV=production the keys are checked by plain `check` (and so `migrate`,
    `runserver`), not only by `check --deploy`; the values are never printed."""
    result = _manage(
        "check",
        DJANGO_ENV="production",
        SECRET_KEY="a-long-random-production-key-" + "x7Gq9" * 10,
        ALLOWED_HOSTS="simpul.example.go.id",
        VAR_DIR=str(tmp_path),
        **WEAK_KEYS,
    )
    assert result.returncode != 0
    assert "simpul.E001" in result.stderr and "simpul.E002" in result.stderr
    assert "garbage" not in result.stdout + result.stderr


def test_development_check_deploy_refuses_weak_keys_from_the_environment(tmp_path):
    result = _manage("check", "--deploy", VAR_DIR=str(tmp_path), **WEAK_KEYS)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS entry 1 of 1 is not a valid Fernet key" in result.stderr
    assert "BLIND_INDEX_KEY is shorter than 32 characters" in result.stderr
