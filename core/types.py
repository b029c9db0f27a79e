"""Names for the people code is asked about, for type hints.

``Actor``: who does a business action in a service (a signed-in user; ``AUTH_USER_MODEL``
is Django's ``User``). ``Viewer``: whom a selector scopes a read for, a request's user,
who may be anonymous (selectors then answer nothing).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

Actor = User
Viewer = User | AnonymousUser
