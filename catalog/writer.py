"""Writing what a source reads into a refresh's run: batched, one transaction per batch.

Items are buffered and written in one transaction per batch (never one per item), so an
interrupted refresh keeps every batch committed before it and nothing half-written.

A batch the database refuses (a full disk, a lost connection, a value it will not take) is not
retried: the reason is kept in :attr:`BatchWriter.error`, nothing more is written, and the
refresh service fails the run, marking nothing removed. Going on would drop every later batch
the same way, and a run that reads pages it cannot store must never pass for complete. A source
stops fetching once :attr:`BatchWriter.failed` is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from catalog import store
from catalog.records import Fetch, NotModified, Observation, PageFailure, ProviderName, SourceUnchanged
from catalog.schema import CrawlRun

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: what a source hands the writer
Item = Observation | NotModified | SourceUnchanged | PageFailure | Fetch | ProviderName

#: items written per transaction when the refresh does not say
DEFAULT_BATCH_SIZE = 500


class BatchWriter:
    """Writes the items of refresh RUN_ID through catalog.store, BATCH_SIZE items a transaction,
    on ENGINE (the refresh's own: the writer never builds one)."""

    def __init__(self, engine: Engine, run_id: int, batch_size: int = DEFAULT_BATCH_SIZE):
        self.engine = engine
        self.run_id = run_id
        self.batch_size = batch_size
        #: why a batch could not be written; once set, nothing more is written
        self.error: str | None = None
        self._reset()

    @property
    def failed(self) -> bool:
        return self.error is not None

    def _reset(self) -> None:
        self.observations: list[Observation] = []
        self.unchanged: list[NotModified] = []
        self.source_unchanged: SourceUnchanged | None = None
        self.failures: list[PageFailure] = []
        self.fetches: list[Fetch] = []
        self.names: dict[str, str] = {}
        self.pending = 0

    def add(self, item: Item) -> None:
        """Buffer ITEM; write the batch once it holds BATCH_SIZE items. Ignored after a failure."""
        if self.error is not None:
            return  # the refresh is stopping: this batch could not be written either
        if isinstance(item, Observation):
            self.observations.append(item)
            self.fetches.append(item.fetch)
        elif isinstance(item, NotModified):
            self.unchanged.append(item)
        elif isinstance(item, SourceUnchanged):
            self.source_unchanged = item
            self.fetches.append(item.fetch)
        elif isinstance(item, PageFailure):
            self.failures.append(item)
        elif isinstance(item, Fetch):
            self.fetches.append(item)
        elif isinstance(item, ProviderName):
            self.names[item.provider] = item.name
        else:
            raise TypeError(f"unexpected item {type(item).__name__}")
        self.pending += 1
        if self.pending >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered, in one transaction; a refusal is kept in :attr:`error`."""
        if not self.pending or self.error is not None:
            return
        try:
            self._write()
        except Exception as exc:  # whatever the database or the disk says, the run must fail
            from catalog.dbfailure import explain

            url = self.engine.url.render_as_string(hide_password=False)  # explain never shows the password
            self.error = f"a batch of {self.pending} pages could not be written: {explain(exc, url)}"
            self._reset()

    def _write(self) -> None:
        with Session(self.engine) as session, session.begin():
            run = session.get(CrawlRun, self.run_id)
            result = store.observe(session, run, self.observations)
            store.set_provider_names(session, self.names)
            not_modified = store.observe_unchanged(
                session, run, [n.canonical_url for n in self.unchanged],
                max((n.fetch.fetched_at for n in self.unchanged), default=store.utcnow()),
            )
            if self.source_unchanged is not None:
                not_modified += store.observe_source_unchanged(session, run, self.source_unchanged.fetch.fetched_at)
            store.record_failures(session, run, self.failures)
            store.record_fetches(session, run, self.fetches)
            store.add_counts(
                session,
                run,
                offerings_new=result.new,
                offerings_updated=result.updated,
                offerings_unchanged=result.unchanged + not_modified,
                pages_failed=len(self.failures),
                price_changes=result.price_changes,
            )
        self._reset()
