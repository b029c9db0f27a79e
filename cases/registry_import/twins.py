"""Likely duplicates inside one file: two new people of the same village, born the same
day, whose names look alike (the rule of ``cases.duplicates.duplicate_candidates``), found
in the dry run already, before either is registered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cases import duplicates


@dataclass
class FileEntry:
    """A new person of the file: their row, folded name, and id once written."""

    number: int
    key: str
    name: str
    person_id: int | None = None


class FileTwins:
    def __init__(self) -> None:
        self.by_day: dict[tuple[str, dt.date], list[FileEntry]] = {}

    def match(
        self, key: str, region: str, birth_date: dt.date | None
    ) -> list[tuple[FileEntry, duplicates.DuplicateCandidate]]:
        """Earlier new people of the file who may be this one, best first."""
        if birth_date is None:
            return []
        entries = self.by_day.get((region, birth_date), [])
        same_day = [(index, entry.key) for index, entry in enumerate(entries)]
        return [
            (entries[candidate.person_id], candidate)
            for candidate in duplicates.candidates_among(key, same_day, {})
        ]

    def add(
        self, number: int, key: str, name: str, region: str, birth_date: dt.date | None
    ) -> FileEntry:
        entry = FileEntry(number, key, name)
        if birth_date is not None:
            self.by_day.setdefault((region, birth_date), []).append(entry)
        return entry
