"""URL converters."""

from django.urls import register_converter


class DatabaseIdConverter:
    """A row id: digits only, at most 18 of them, so every match fits a 64-bit integer and a
    huge id answers 404 instead of overflowing the database driver."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(DatabaseIdConverter, "id")
