"""Pages stay light for offices on weak connections: the case list's first load (its HTML as
is, plus every stylesheet and script it links, gzipped as WhiteNoise serves them) is under
200 KB."""

import gzip
import re

from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.cases.test_views import _open_many

BUDGET = 200 * 1024


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)


def test_case_list_first_load_is_under_200_kb(client, staff):
    _open_many(staff["petugas"], 26)  # a full page of 25 rows
    client.force_login(staff["petugas"])
    html = client.get(reverse("home")).content
    assets = _assets(html.decode())
    assert "vendor/bootstrap/bootstrap.min.css" in assets and "js/simpul.js" in assets
    sizes = {"page": len(html)}  # counted uncompressed: the HTML may be served as is
    for asset in assets:
        path = finders.find(asset)
        assert path, f"{asset} is linked but not in the static files"
        with open(path, "rb") as handle:
            sizes[asset] = len(gzip.compress(handle.read()))
    total = sum(sizes.values())
    assert total < BUDGET, f"{total} bytes transferred on first load: {sizes}"
    # No asset comes from another host (offices may not reach a CDN).
    assert not re.search(rb'(?:href|src)="(?:https?:)?//', html)
