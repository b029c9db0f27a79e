"""A civil registry (Dukcapil) death list: the people it names marked deceased, with the
date and the source, in history naming the importer and the import. Rows whose NIK is not
registered in the importer's area are reported as unmatched: whether a NIK is registered
elsewhere is not told (``cases.selectors.REGISTERED_ELSEWHERE`` is for people one may
serve). Their open cases and pending referrals are then flagged for validation, as for a
death recorded by hand (``cases.services.corrections.record_life_event``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from agencies.models import code_within
from cases.crypto import blind_index
from cases.models import LifeStatus, Person, RegistryImport
from cases.registry_import.rows import Row
from cases.selectors import live_person
from core.types import Actor

LIFE_FIELDS = ["life_status", "life_status_date", "life_status_source"]


class DeathImport:
    """The rows of one death list, checked (and written when ``commit``) chunk by chunk."""

    def __init__(self, registry_import: RegistryImport, *, actor: Actor, commit: bool):
        self.commit = commit
        self.actor = actor
        self.registry_import = registry_import
        self.area = registry_import.area_id
        self.reason = _("Impor daftar kematian: %(name)s (impor #%(id)d)") % {
            "name": registry_import.display_name,
            "id": registry_import.pk,
        }
        self.seen: dict[str, int] = {}

    def run_chunk(self, rows: list[Row]) -> None:
        # Every row in file order: one NIK twice is reported on the second (``seen``).
        indexed = [(blind_index(row.nik), row) for row in rows if not row.has_errors]
        found = Person.objects.filter(nik_index__in={index for index, _row in indexed})
        people = {p.nik_index: p for p in found}
        for index, person in people.items():
            if person.merged_into_id:  # a tombstone: the record kept, at the chain's end
                people[index] = live_person(person)
        marked: list[Person] = []
        for index, row in indexed:
            self._plan_row(row, index, people.get(index), marked)
        if self.commit and marked:
            with transaction.atomic():
                bulk_update_with_history(
                    marked,
                    Person,
                    LIFE_FIELDS,
                    default_user=self.actor,
                    default_change_reason=self.reason,
                )
                self.registry_import.people_marked.add(*marked)

    def _plan_row(self, row: Row, index: str, person: Person | None, marked: list) -> None:
        if index in self.seen:
            row.error("nik", _("NIK yang sama sudah ada di baris %(n)d.") % {"n": self.seen[index]})
            return
        self.seen[index] = row.number
        if person is None or not code_within(person.region_id, self.area):
            row.values["unmatched"] = True
            row.warn("nik", _("NIK tidak ditemukan di data penduduk wilayah Anda."))
            return
        died = row.values["death_date"]
        if person.birth_date and died < person.birth_date:
            row.error("death_date", _("Tanggal meninggal sebelum tanggal lahir."))
            return
        row.values["full_name"] = person.full_name
        if person.life_status == LifeStatus.DECEASED and person.life_status_date == died:
            row.action = "unchanged"
            return
        if person.life_status == LifeStatus.DECEASED and person.life_status_date:
            row.warn(
                "death_date",
                _("Sudah tercatat meninggal pada %(date)s; diganti dengan tanggal di berkas.")
                % {"date": person.life_status_date.isoformat()},
            )
        person.life_status = LifeStatus.DECEASED
        person.life_status_date = died
        person.life_status_source = row.values["source"]
        marked.append(person)
        row.action = "updated"
