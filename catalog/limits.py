"""How long each kind of stored text may be: declared once, for the schema and the records.

The schema's column widths come from here, and the records (what a page states, how a URL was
fetched) are held to them before the database sees a value: PostgreSQL refuses a value longer
than its column (SQLite would store it), and one refused value used to fail a whole batch.
"""

from __future__ import annotations

#: provider slugs, model IDs, creators: identifiers as they appear in URLs
SLUG_CHARS = 255
#: display text: names, categories, tasks, printed units of the specifications
LABEL_CHARS = 500
#: URLs (page, canonical, site)
URL_CHARS = 2048
#: a price's unit ("1M tokens", or the headline's printed unit)
UNIT_CHARS = 64
#: HTTP validators kept for conditional requests
ETAG_CHARS = 512
HTTP_DATE_CHARS = 64
#: why a page could not be used (a reason quotes page text; kept readable, not whole)
REASON_CHARS = 2000
