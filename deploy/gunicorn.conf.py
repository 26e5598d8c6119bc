"""gunicorn settings for production (`make serve`). Every value can be overridden from the
environment with GUNICORN_CMD_ARGS."""

import gc
import os

bind = os.environ.get("INKLUSIO_BIND", "127.0.0.1:8000")
# Two processes per core is the usual start for sync workers doing database work.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
worker_class = "sync"
timeout = 60
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then: WeasyPrint and openpyxl keep memory
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("INKLUSIO_PROXY_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# The path without its query string: a query may hold a search term (names, CPR numbers), and
# the access log leaves the system. One JSON object per line for the log collector.
access_log_format = (
    '{"time": "%(t)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, '
    '"bytes": "%(B)s", "duration_ms": %(M)s, "request_id": "%({x-request-id}i)s"}'
)


# The cyclic collector's first threshold: Python's 700 makes it run mid-request, moving what a
# request still holds (querysets, model instances, template contexts) into the older
# generations, which later full collections scan again. At 50,000 most of a request's objects
# are gone before a collection looks at them: on the national dataset's pages the collector's
# time per request fell from 2.0–2.4 ms to 0.4–0.5 ms (bench/README.md, "The cyclic collector").
# "700,10,10" restores Python's default, for comparing.
GC_THRESHOLD = tuple(
    int(part) for part in os.environ.get("INKLUSIO_GC_THRESHOLD", "50000,20,10").split(",")
)


def post_worker_init(worker):
    """The application's modules, settings and URL patterns live as long as the worker: moved
    out of the cyclic collector's sight, a full collection scans only what requests leave
    behind (~230,000 objects otherwise, 0.13–0.16 s of CPU each time; bench/README.md)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
