"""The kernel every app builds on, importing none of them: domain errors and their HTTP
status, the API's shared answers, form styling and error placement, database conflict and
outage detection, request limits, log masking. Not a Django app (no models, no URLs)."""
