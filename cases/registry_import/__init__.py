"""Registry imports (issue 14): DTKS/DTSEN extracts and civil registry death lists, checked
(dry run) then committed, with an XLSX report. ``services`` is the public face."""
