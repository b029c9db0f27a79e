import datetime as dt
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case, Family, Person
from cases.nik import nik_warnings
from cases.selectors import cases_visible_to
from workflows.models import Notification, WorkItem


def test_demo_loads_a_living_dataset_and_a_second_run_adds_nothing(db):
    call_command("load_regions", stdout=StringIO())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "petugas.bks" in out.getvalue() and "simpul-demo" in out.getvalue()
    counts = (Case.objects.count(), Person.objects.count(), Family.objects.count())
    assert counts[0] >= 200

    call_command("load_regions", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    assert (Case.objects.count(), Person.objects.count(), Family.objects.count()) == counts

    users = get_user_model().objects
    petugas = users.get(username="petugas")
    assert petugas.check_password("simpul-demo")
    for username in [
        "admin",
        "peksos",
        "backoffice",
        "manajer",
        "dinkes",
        "kadinkes",
        "dindik",
        "baznas",
        "petugas.bks",
    ]:
        assert users.filter(username=username).exists(), username

    # NIKs agree with the person's birth date and sex; families have several members.
    for person in Person.objects.filter(nik__isnull=False)[:100]:
        assert nik_warnings(person.nik, birth_date=person.birth_date, sex=person.sex) == []
    assert Family.objects.filter(members__isnull=False).distinct().count() > 100
    assert max(f.members.count() for f in Family.objects.all()[:50]) >= 2

    # The two regencies stay apart.
    bks_cases = cases_visible_to(users.get(username="petugas.bks"))
    assert bks_cases.exists()
    assert not bks_cases.filter(region__code__startswith="19.04.").exists()
    assert (
        not cases_visible_to(users.get(username="manajer"))
        .filter(region__code__startswith="14.03.")
        .exists()
    )
    assert cases_visible_to(petugas).filter(region_id="19.04.01.2003").exists()

    # A living system: cases at every stage, some tasks at risk, some overdue, bells ringing.
    stages = set(Case.objects.values_list("stage", flat=True))
    assert stages >= {
        "verification",
        "assessment",
        "referral",
        "delivery",
        "follow_up",
        "closure",
        "closed",
    }
    now = timezone.now()
    # Closed over weeks, not in the load's few seconds: the dashboard and the recap read so.
    closings = Case.objects.filter(closed_at__isnull=False).values_list("closed_at", flat=True)
    assert max(closings) - min(closings) > dt.timedelta(weeks=4)
    assert all(c.closed_at > c.opened_at for c in Case.objects.filter(closed_at__isnull=False))
    assert WorkItem.objects.overdue(now).exists()
    assert WorkItem.objects.at_risk(now).exists()
    assert Notification.objects.filter(kind="overdue").exists()
    assert not Notification.objects.filter(emailed_at=None).exists()  # backlog not e-mailed
