"""A DTKS/DTSEN extract, chunk by chunk: each row checked against the registry (dry run),
then, when committed, the missing people and family cards created and the families'
registry status brought up to date, with history naming the importer and the import.

Each chunk costs the same few queries whatever its rows (people by NIK, their survivors,
families by KK with their members' villages, regions, duplicate candidates), and is
written in one transaction with simple-history's bulk helpers. A re-run of a committed file
finds everything as it is and changes nothing, so a run that failed half-way is run again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agencies.models import Region, RegionLevel, code_within
from cases import duplicates, selectors
from cases.crypto import blind_index
from cases.models import Family, Person, RegistryImport
from cases.nik import mask_nik
from cases.registry_import.rows import Row
from cases.registry_import.twins import FileEntry, FileTwins
from cases.services.duplicates import record_duplicate_pairs
from core.types import Actor

FAMILY_REGISTRY_FIELDS = ["registry_status", "decile", "registry_as_of", "registry_source"]


@dataclass
class FirstRow:
    """The registry values the first row of a KK in the file gave, and its number."""

    number: int
    values: tuple


@dataclass
class NewPerson:
    person: Person
    kk_index: str
    row: Row
    candidates: list[duplicates.DuplicateCandidate] = field(default_factory=list)
    entry: FileEntry | None = None
    twins: list[tuple[FileEntry, duplicates.DuplicateCandidate]] = field(default_factory=list)


@dataclass
class ChunkWrites:
    families_new: dict[str, Family] = field(default_factory=dict)  # by kk_index
    families_changed: list[Family] = field(default_factory=list)
    people_new: list[NewPerson] = field(default_factory=list)
    people_linked: dict[int, tuple[str, str]] = field(default_factory=dict)  # kk, relationship


class ExtractImport:
    """The rows of one extract, checked (and written when ``commit``) chunk by chunk."""

    def __init__(self, registry_import: RegistryImport, *, actor: Actor, commit: bool):
        self.commit = commit
        self.actor = actor
        self.import_id = registry_import.pk
        self.area = registry_import.area_id
        self.source = registry_import.source_label[:100]
        self.reason = _("Impor data registri: %(name)s (impor #%(id)d)") % {
            "name": registry_import.display_name,
            "id": registry_import.pk,
        }
        self.villages = set(
            Region.objects.filter(
                Region.regions_within_any_q([self.area]), level=RegionLevel.VILLAGE
            ).values_list("code", flat=True)
        )
        self.seen_niks: dict[str, int] = {}
        self.seen_families: dict[str, FirstRow] = {}
        self.twins = FileTwins()

    def run_chunk(self, rows: list[Row]) -> None:
        """Check ``rows`` against the registry; write them when committing."""
        live = [row for row in rows if not row.has_errors]
        self._check_regions(live)
        live = [row for row in live if not row.has_errors]
        people = self._people_by_nik(live)
        families = self._families_by_kk(live)
        writes = ChunkWrites()
        for row in live:
            self._plan_row(row, people, families, writes)
        self._flag_duplicates(writes)
        if self.commit:
            self._write(writes)

    def _check_regions(self, rows: list[Row]) -> None:
        """Villages unknown, not villages, or outside the importer's area are errors."""
        other = {row.values["region_code"] for row in rows} - self.villages
        known = dict(Region.objects.filter(code__in=other).values_list("code", "level"))
        for row in rows:
            code = row.values["region_code"]
            if code in self.villages:
                continue
            if code not in known:
                # A NIK in the wrong column is not echoed whole into the report.
                shown = code if len(code) <= len("00.00.00.0000") else mask_nik(code)
                row.error(
                    "region_code", _("Kode wilayah %(code)s tidak dikenal.") % {"code": shown}
                )
            elif known[code] != RegionLevel.VILLAGE:
                row.error("region_code", _("Kode wilayah harus kode desa/kelurahan."))
            else:
                row.error("region_code", str(selectors.OUTSIDE_YOUR_AREA))

    def _people_by_nik(self, rows: list[Row]) -> dict[str, Person]:
        """The registered people of the rows' NIKs by blind index; a merged record
        (tombstone) stands for the record it was merged into."""
        indexes = [blind_index(row.nik) for row in rows]
        for row, index in zip(rows, indexes, strict=True):
            row.values["nik_index"] = index
        fields = ("pk", "nik_index", "region_id", "family_id", "full_name", "merged_into_id")
        found = {p.nik_index: p for p in Person.objects.filter(nik_index__in=indexes).only(*fields)}
        pending = {index: p.merged_into_id for index, p in found.items() if p.merged_into_id}
        while pending:  # a survivor merged again later: follow the chain
            survivors = Person.objects.only(*fields).in_bulk(set(pending.values()))
            for index, survivor_id in list(pending.items()):
                found[index] = survivors[survivor_id]
                pending.pop(index)
                if found[index].merged_into_id:
                    pending[index] = found[index].merged_into_id
        return found

    def _families_by_kk(self, rows: list[Row]) -> dict[str, Family]:
        """Registered families of the rows' KK numbers by blind index, each with
        ``outside``: whether a member lives outside the importer's area."""
        for row in rows:
            row.values["kk_index"] = blind_index(row.values["kk_number"])
        families = {
            f.kk_index: f
            for f in Family.objects.filter(kk_index__in={row.values["kk_index"] for row in rows})
        }
        by_pk = {family.pk: family for family in families.values()}
        for family in by_pk.values():
            family.outside = False
        members = Person.objects.filter(family_id__in=by_pk).exclude(Region.within_q(self.area))
        for family_id in members.values_list("family_id", flat=True).distinct():
            by_pk[family_id].outside = True
        return families

    def _plan_row(self, row: Row, people: dict, families: dict, writes: ChunkWrites) -> None:
        values = row.values
        index, kk_index = values["nik_index"], values["kk_index"]
        if index in self.seen_niks:
            row.error(
                "nik", _("NIK yang sama sudah ada di baris %(n)d.") % {"n": self.seen_niks[index]}
            )
            return
        person, family = people.get(index), families.get(kk_index)
        if person is not None and not code_within(person.region_id, self.area):
            row.error("nik", str(selectors.REGISTERED_ELSEWHERE))
            return
        if family is not None and family.outside:
            row.error("kk_number", str(selectors.KK_REGISTERED_ELSEWHERE))
            return
        self.seen_niks[index] = row.number
        family_changed = self._plan_family(row, family, writes)
        if person is None:
            writes.people_new.append(NewPerson(self._new_person(row), kk_index, row))
            row.action = "created"
            return
        if selectors.names_differ(person.full_name, values["full_name"]):
            row.warn(
                "full_name",
                _("NIK terdaftar atas nama %(name)s; data penduduk tidak diubah.")
                % {"name": person.full_name},
            )
        linked = False
        if person.family_id is None:
            writes.people_linked[person.pk] = (kk_index, values["relationship"])
            linked = True
        elif family is None or person.family_id != family.pk:
            row.warn(
                "kk_number", _("Penduduk ini terdaftar di KK lain; tidak dipindahkan oleh impor.")
            )
        row.action = "updated" if linked or family_changed else "unchanged"

    def _plan_family(self, row: Row, family: Family | None, writes: ChunkWrites) -> bool:
        """Whether this row changes its family's registry status (the first row of a KK in
        the file decides; later rows only warn when they disagree)."""
        values = row.values
        given = (values["status"], values["decile"], values["as_of"])
        first = self.seen_families.get(values["kk_index"])
        if first is not None:
            if first.values != given:
                row.warn(
                    "status",
                    _(
                        "Status, desil atau tanggal data berbeda dari baris %(n)d untuk KK yang "
                        "sama; yang dipakai baris %(n)d."
                    )
                    % {"n": first.number},
                )
            return False
        self.seen_families[values["kk_index"]] = FirstRow(row.number, given)
        if family is None:
            writes.families_new[values["kk_index"]] = Family(
                kk_number=values["kk_number"],
                registry_status=given[0],
                decile=given[1],
                registry_as_of=given[2],
                registry_source=self.source,
            )
            return True
        if family.registry_as_of and given[2] < family.registry_as_of:
            row.warn(
                "as_of",
                _("Status KK ini sudah tercatat per %(date)s, lebih baru; tidak diubah.")
                % {"date": date_format(family.registry_as_of, "j M Y")},
            )
            return False
        if (family.registry_status, family.decile, family.registry_as_of) == given:
            return False
        family.registry_status, family.decile, family.registry_as_of = given
        family.registry_source = self.source
        writes.families_changed.append(family)
        return True

    def _new_person(self, row: Row) -> Person:
        values = row.values
        person = Person(
            nik=row.nik,
            full_name=values["full_name"],
            sex=values["sex"],
            birth_place=values["birth_place"],
            birth_date=values.get("birth_date"),
            region_id=values["region_code"],
            rt=values["rt"],
            rw=values["rw"],
            street=values["street"],
            relationship=values["relationship"],
            created_by=self.actor,
        )
        person.fill_derived_fields()  # the folded name, compared for duplicates
        return person

    def _flag_duplicates(self, writes: ChunkWrites) -> None:
        """New people who look like someone registered in their village: a warning on the
        row (and an open pair for the back office once committed)."""
        described = [
            duplicates.Described(
                p.full_name, p.birth_date, p.region_id, has_nik=True, key=p.search_name
            )
            for p in (new.person for new in writes.people_new)
        ]
        found = duplicates.duplicate_candidates_of_many(described)
        others = Person.objects.only("full_name", "birth_date").in_bulk(
            {c.person_id for candidates in found for c in candidates}
        )
        for new, candidates in zip(writes.people_new, found, strict=True):
            # The best few: a crowd of look-alikes (one birth date, one village) stays linear.
            new.candidates = candidates[: selectors.DUPLICATES_SHOWN]
            new.row.values["duplicate"] = bool(candidates)
            for candidate in candidates[:3]:
                other = others[candidate.person_id]
                born = date_format(other.birth_date, "j M Y") if other.birth_date else "-"
                new.row.warn(
                    "full_name",
                    _(
                        "Kemungkinan data ganda: %(name)s, lahir %(date)s, di desa yang sama "
                        "sudah terdaftar."
                    )
                    % {"name": other.full_name, "date": born},
                )
            self._flag_twins(new)

    def _flag_twins(self, new: NewPerson) -> None:
        """The same within the file: an earlier new row that looks like this one."""
        person = new.person
        known = {candidate.person_id for candidate in new.candidates}
        new.twins = [
            (entry, candidate)
            for entry, candidate in self.twins.match(
                person.search_name, person.region_id, person.birth_date
            )
            if entry.person_id not in known  # an earlier chunk's, already found registered
        ][: selectors.DUPLICATES_SHOWN]
        for entry, _candidate in new.twins[:3]:
            new.row.warn(
                "full_name",
                _("Kemungkinan data ganda dengan baris %(n)d (%(name)s) di berkas ini.")
                % {"n": entry.number, "name": entry.name},
            )
        new.row.values["duplicate"] = bool(new.candidates or new.twins)
        new.entry = self.twins.add(
            new.row.number,
            person.search_name,
            person.full_name,
            person.region_id,
            person.birth_date,
        )

    def _write(self, writes: ChunkWrites) -> None:
        """One transaction for the chunk: families, then people, then duplicate pairs."""
        history = {"default_user": self.actor, "default_change_reason": self.reason}
        with transaction.atomic():
            families = list(writes.families_new.values())
            for family in families:
                family.fill_derived_fields()
            bulk_create_with_history(families, Family, **history)
            bulk_update_with_history(
                writes.families_changed, Family, FAMILY_REGISTRY_FIELDS, **history
            )
            wanted = {new.kk_index for new in writes.people_new}
            wanted |= {kk for kk, _relationship in writes.people_linked.values()}
            family_ids = dict(
                Family.objects.filter(kk_index__in=wanted).values_list("kk_index", "pk")
            )
            for new in writes.people_new:
                new.person.family_id = family_ids[new.kk_index]
            bulk_create_with_history([new.person for new in writes.people_new], Person, **history)
            linked = list(Person.objects.in_bulk(list(writes.people_linked)).values())
            for person in linked:
                kk_index, relationship = writes.people_linked[person.pk]
                person.family_id = family_ids[kk_index]
                person.relationship = relationship or person.relationship
            bulk_update_with_history(linked, Person, ["family", "relationship"], **history)
            for new in writes.people_new:
                if new.entry is not None:
                    new.entry.person_id = new.person.pk
            for new in writes.people_new:
                twins = [replace(c, person_id=e.person_id) for e, c in new.twins if e.person_id]
                if new.candidates or twins:
                    record_duplicate_pairs(new.person, [*new.candidates, *twins])
