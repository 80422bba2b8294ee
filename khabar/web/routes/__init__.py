"""Routes: HTML pages (``pages.py``), the JSON API (``api.py``) and file downloads (``exports.py``)."""

from __future__ import annotations

from fastapi import Request

from ...store import Store

__all__ = ["store_of", "start_ingest"]


def store_of(request: Request) -> Store:
    """The calling worker thread's store (call it inside the endpoint, not in a dependency)."""
    return request.app.state.stores.get()


async def start_ingest(request: Request):
    """Stream the uploaded files into a fresh folder of the data directory and queue their ingest."""
    from ..uploads import receive_upload

    jobs = request.app.state.jobs
    job_id = jobs.new_id()
    upload = await receive_upload(request, request.app.state.data_dir / job_id)
    return jobs.submit(
        job_id, upload.files, outlet=upload.fields.get("outlet"), published=upload.fields.get("published")
    )
