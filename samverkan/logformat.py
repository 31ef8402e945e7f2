"""The JSON log line, one object per record, shared by the app's logging (settings.py) and
gunicorn's own logs (gunicorn.conf.py), so a log collector reads both the same way.

The time is in UTC with its offset: gunicorn's master process runs in the machine's time
zone and Django's workers in Europe/Stockholm, so a local time without a zone would put the
lines of one request out of order."""

JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(levelname)s %(name)s %(message)s",
    "rename_fields": {"levelname": "level", "name": "logger"},
    "timestamp": "time",
}
