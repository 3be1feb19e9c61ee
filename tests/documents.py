"""Serving a JSON document on 127.0.0.1 as its publisher would, for document-source tests."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from spiders.localsite import LocalSite, Request, Response

#: copies of real documents (see tests/fixtures/documents/README.md)
DOCUMENTS = Path(__file__).resolve().parent / "fixtures" / "documents"


class DocumentSite(LocalSite):
    """Answers PATH with the file ``self.document`` of FOLDER (ETag, Last-Modified and 304 as
    LocalSite gives every file); set ``document`` to another file to publish a changed document."""

    def __init__(self, folder: Path, document: str, path: str = "/api/v1/models", **kwargs):
        super().__init__(folder, placeholder=None, **kwargs)
        self.document = document
        self.path = path

    @property
    def document_url(self) -> str:
        return self.url(self.path)

    def respond(self, request: Request) -> Response:
        if request.path != self.path:
            return Response(404, b"not found\n")
        return super().respond(dataclasses.replace(request, path="/" + self.document))
