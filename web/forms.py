"""Forms of the pages that merge several apps."""

from __future__ import annotations

from cases.forms import PersonForm
from web.lookups import NikLookup, nik_lookup, region_picker


class IntakePersonForm(PersonForm):
    """The intake page's person block: the fields, the region picker's state and what the
    NIK typed tells (``lookup``, computed unless given: the person found in the officer's
    area with open cases and aid received this period, or why not)."""

    def __init__(self, *args, user, lookup: NikLookup | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookup = lookup
        self.picker = region_picker(user, code=str(self["region"].value() or ""))
        if self.lookup is None and self.is_bound:
            self.lookup = nik_lookup(user, self["nik"].value() or "")
