"""The message catalogues in locale/: complete, well-formed, and compiled.

Source strings are Indonesian (the default language), so the English catalogue must translate
every one of them. Regenerate and recompile with:

    .venv/bin/python manage.py makemessages -l en -l id --no-obsolete \
        --ignore=.venv --ignore=var --ignore=static --ignore=tests
    .venv/bin/python manage.py compilemessages --ignore=.venv
"""

from __future__ import annotations

import ast
import gettext as pygettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
EN_MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"
ID_PO = LOCALE / "id" / "LC_MESSAGES" / "django.po"
ID_MO = LOCALE / "id" / "LC_MESSAGES" / "django.mo"

# %(name)s, %(count)d, %(day)02d ... and a bare %s / %d; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs%]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def translations(self) -> list[str]:
        return [self.msgstr[k] for k in sorted(self.msgstr)]


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """A small .po reader (header, entries); obsolete ``#~`` entries are skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None

    def finish():
        if current is not None and target is not None:
            entries.append(current)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if target is not None and target[0] == "msgstr":
                finish()
                current, target = None, None
            current = current or Entry()
            current.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        value = ast.literal_eval(rest) if rest else ""
        if keyword in {"msgctxt", "msgid"} and target is not None and target[0] == "msgstr":
            finish()
            current, target = None, None
        if keyword:
            current = current or Entry()
            if keyword == "msgctxt":
                current.msgctxt, target = "", ("msgctxt", 0)
            elif keyword == "msgid":
                target = ("msgid", 0)
            elif keyword == "msgid_plural":
                current.msgid_plural, target = "", ("msgid_plural", 0)
            elif keyword == "msgstr":
                target = ("msgstr", 0)
            elif keyword.startswith("msgstr["):
                target = ("msgstr", int(keyword[7:-1]))
            else:
                raise ValueError(f"{path}: cannot parse line {raw!r}")
            if target[0] == "msgstr":
                current.msgstr.setdefault(target[1], "")
        assert current is not None and target is not None, f"{path}: stray line {raw!r}"
        kind, index = target
        if kind == "msgstr":
            current.msgstr[index] += value
        else:
            setattr(current, kind, getattr(current, kind) + value)
    finish()
    header = entries[0]
    assert header.msgid == "" and header.msgctxt is None, f"{path} does not start with a header"
    return header, entries[1:]


def _label(entry: Entry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def test_catalogues_exist_for_every_language():
    for path in (EN_PO, EN_MO, ID_PO, ID_MO):
        assert path.is_file(), f"{path} is missing: run makemessages + compilemessages"


def test_english_catalogue_is_complete_and_not_fuzzy():
    header, entries = parse_po(EN_PO)
    assert entries, "the English catalogue is empty"
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.translations[0]
    fuzzy = [_label(e) for e in entries if "fuzzy" in e.flags]
    untranslated = [_label(e) for e in entries if not all(e.translations)]
    assert not fuzzy, f"fuzzy English translations to review: {fuzzy}"
    assert not untranslated, f"untranslated English strings: {untranslated}"


def test_placeholders_survive_translation():
    _, entries = parse_po(EN_PO)
    broken = []
    for entry in entries:
        # A plural msgstr[0] may drop the count ("One case"), so compare as sets there.
        expected = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in entry.translations:
            found = PLACEHOLDER.findall(text)
            same = (
                set(found) <= expected
                if entry.msgid_plural
                else sorted(found) == sorted(PLACEHOLDER.findall(entry.msgid))
            )
            if not same:
                broken.append((_label(entry), text))
    assert not broken, f"placeholders changed in translation: {broken}"


def test_indonesian_catalogue_matches_english_one():
    """Both catalogues come from the same extraction run; the Indonesian one stays untranslated."""
    id_header, id_entries = parse_po(ID_PO)
    _, en_entries = parse_po(EN_PO)
    assert "fuzzy" not in id_header.flags
    assert not [_label(e) for e in id_entries if "fuzzy" in e.flags]
    assert {_label(e) for e in id_entries} == {_label(e) for e in en_entries}, (
        "locale/en and locale/id were extracted from different sources: rerun makemessages"
    )


def test_compiled_english_catalogue_matches_po():
    """A stale django.mo silently shows old (or Indonesian) text: compare every entry."""
    _, entries = parse_po(EN_PO)
    with EN_MO.open("rb") as fh:
        compiled = pygettext.GNUTranslations(fh)
    stale = []
    for entry in entries:
        if entry.msgid_plural is not None:
            got = [
                compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                if entry.msgctxt
                else compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                for n in (1, 2)
            ]
            want = [entry.msgstr[0], entry.msgstr.get(1, entry.msgstr[0])]
        else:
            got = (
                compiled.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt
                else compiled.gettext(entry.msgid)
            )
            want = entry.msgstr[0]
        if got != want:
            stale.append(_label(entry))
    assert not stale, f"locale/en django.mo is stale (rerun compilemessages): {stale}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
@pytest.mark.parametrize("po", [EN_PO, ID_PO], ids=["en", "id"])
def test_msgfmt_accepts_catalogue(po):
    """msgfmt --check: valid syntax, header, and python-format strings that match their msgid."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/local/bin"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    if po == EN_PO:
        assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_english_translation_is_active():
    with translation.override("en"):
        assert translation.gettext("Buka kasus") == "Open case"
        assert translation.gettext("Penerima manfaat") == "Beneficiary"
        opened = translation.gettext("Kasus %(number)s berhasil dibuka.") % {"number": "X-1"}
        assert opened == "Case X-1 has been opened."
    with translation.override("id"):
        assert translation.gettext("Buka kasus") == "Buka kasus"
