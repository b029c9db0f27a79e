"""Indonesian personal names, for finding the same person written two ways.

The registry holds names typed by many hands over decades (``domain.md`` section 3): the
same person appears as "Muhammad Yusuf", "M. Jusuf", "Moh. Jusup" or "Yusuf Muhamad". What
varies, and what :func:`name_key` folds away:

- invisible characters pasted from chat apps and spreadsheets (joiners, BOM, soft hyphen:
  Unicode category Cf) removed and zero-width spaces made spaces by :func:`clean_name`
  before a name is stored; accents; apostrophes (Ma'ruf / Maruf);
- common name parts written short or long: Muhammad / Muhamad / Mohammad / Mochammad /
  Mohd / Moh. / Muh. / Mhd. / M.; Siti / St.; Abdul / Abd.; Nur / Nurul;
- the old spelling (Ejaan Soewandi, before 1972, still on many ID cards): oe/u, dj/j,
  tj/c, j/y, ch/kh, sj/sy, nj/ny;
- doubled letters (Muhammad / Muhamad, Abdullah / Abdulah);
- parts reordered or dropped (a family name first, a middle name left out), which
  :func:`name_similarity` scores with RapidFuzz's token-set ratio on the folded keys.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

# Name parts written short or long, folded to one form (after the spelling is folded).
PART_FORMS = {
    "muhammad": "muhammad",
    "muhamad": "muhammad",
    "muhammmad": "muhammad",
    "mohammad": "muhammad",
    "mohamad": "muhammad",
    "mohammed": "muhammad",
    "mohamed": "muhammad",
    "muhammed": "muhammad",
    "mochammad": "muhammad",
    "mochamad": "muhammad",
    "mokhammad": "muhammad",
    "mukhammad": "muhammad",
    "moch": "muhammad",
    "mohd": "muhammad",
    "muhd": "muhammad",
    "mukhamad": "muhammad",
    "mokh": "muhammad",
    "moh": "muhammad",
    "muh": "muhammad",
    "mhd": "muhammad",
    "md": "muhammad",
    "m": "muhammad",
    "st": "siti",
    "abd": "abdul",
    "nurul": "nur",
}

# Old spelling to new, in this order (dj before j, tj before j, ch before h).
SPELLING = [
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("sj", "sy"),
    ("nj", "ny"),
    ("ch", "kh"),
    ("j", "y"),  # old j is new y; new j (from dj) shares the key: Djoko / Joko / Yoko
]

SIMILAR_NAMES = 85.0  # name_similarity at or above which two names look like one person
# Without a birth date or a NIK to lean on: every part there, in any order, nearly alike.
CLOSE_NAMES = 90.0


# A zero-width space separates words (pasted between two parts, it must not glue them).
ZERO_WIDTH_SPACES = {"\u200b", "\u2060"}
APOSTROPHES = "'\u2019\u2018`\u02bc"  # Ma'ruf, Syafi'i: one word, written with or without


def clean_name(name: str) -> str:
    """``name`` as it should be stored: zero-width spaces and other space characters made
    plain spaces, the other format characters (joiners, BOM, soft hyphens) removed,
    single-spaced."""
    text = "".join(
        " " if c in ZERO_WIDTH_SPACES or unicodedata.category(c) in ("Zs", "Zl", "Zp", "Cc") else c
        for c in (name or "")
        if c in ZERO_WIDTH_SPACES or unicodedata.category(c) != "Cf"
    )
    return " ".join(text.split())


def _fold_part(part: str) -> str:
    word = re.sub(r"(.)\1+", r"\1", part)  # doubled letters
    for old, new in SPELLING:
        word = word.replace(old, new)
    folded = PART_FORMS.get(word) or PART_FORMS.get(part)
    if folded:
        return re.sub(r"(.)\1+", r"\1", folded)
    return word


def name_key(name: str) -> str:
    """The folded form two spellings of one name share: ``"M. Jusuf"`` and ``"Muhammad
    Yusuf"`` both give ``"muhamad yusuf"``; lower case, no accents, no punctuation."""
    text = unicodedata.normalize("NFKD", clean_name(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.translate({ord(mark): None for mark in APOSTROPHES})
    parts = re.findall(r"[a-z]+", text)
    return " ".join(_fold_part(part) for part in parts)


# The common parts, as folded: a name sharing only these with another is not like it.
COMMON_PARTS = frozenset(_fold_part(part) for part in PART_FORMS.values())


def key_similarity(key_a: str, key_b: str) -> float:
    """``name_similarity`` of two names already folded (``name_key``, as kept in
    ``Person.search_name``)."""
    if not key_a or not key_b:
        return 0.0
    if key_a == key_b:
        return 100.0
    if " " not in key_a and " " not in key_b:
        return float(fuzz.ratio(key_a, key_b))
    shared = set(key_a.split()) & set(key_b.split())
    if shared <= COMMON_PARTS:
        # Sharing only "Siti" or "Muhammad" says nothing: every part counts, in any order.
        return float(fuzz.token_sort_ratio(key_a, key_b))
    return float(fuzz.token_set_ratio(key_a, key_b))


def name_similarity(a: str, b: str) -> float:
    """0-100: how alike two names are once folded (``name_key``), ignoring the order of
    their parts and parts one of them leaves out (RapidFuzz token-set ratio: "Rizki
    Pratama" is "Muhammad Rizki Pratama" without his first name). Two one-part names must
    match as a whole, and names sharing only a common part (Siti, Muhammad, Abdul, Nur) are
    compared part by part: "Siti" is not "Siti Aminah"."""
    return key_similarity(name_key(a), name_key(b))


def similar_names(a: str, b: str) -> bool:
    return name_similarity(a, b) >= SIMILAR_NAMES
