"""The Sori REST API: ``/api/v1/`` (OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/docs``)."""

from __future__ import annotations

from ninja import NinjaAPI

from sori.api import problems
from sori.api.attachments import router as attachments_router
from sori.api.complaints import router as complaints_router
from sori.api.kpis import router as kpis_router

DESCRIPTION = """\
Sori's REST API for complaints handled under ISO 10002.

* Errors are RFC 9457 `application/problem+json` with a stable `code`; `detail` follows
  `Accept-Language` (Korean by default, English with `en`).
* Public: `POST /complaints` (rate limited per address; `Idempotency-Key` supported).
* Complainants: send `X-Access-Code` with the reference to read and answer their complaint.
* Staff: `Authorization: Bearer <token>` (create one with `sori token create --username U`).
* Optimistic locking: reads return `ETag: "<version>"`; send it back as `If-Match`.
"""

api = NinjaAPI(
    title="Sori API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="sori-api",
    # The docs page lives at /api/docs (sori.api.urls), outside the versioned prefix.
    docs_url=None,
)
problems.install(api)
api.add_router("/", complaints_router)
api.add_router("/", attachments_router)
api.add_router("/", kpis_router)
