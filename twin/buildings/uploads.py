"""Model uploads: content checks and background ingestion jobs.

An upload is one or more files for one building. :func:`sniff_upload` refuses,
before anything is queued, what is plainly not a model: content that is
neither ISO-10303-21 text nor a zip archive, archives that do not hold exactly
one ``.ifc`` or that declare a zip bomb (an inflated size or a compression
ratio beyond the limits). :class:`UploadJobs` then checks each file fully
(the archive is inflated in a stream with a cap, the STEP envelope and schema
are checked by :mod:`ifc_models.source`) and ingests the building in a worker
thread; only a successful read replaces the registered building
(:meth:`twin.buildings.registry.BuildingRegistry.register`), so a failed upload leaves
the previous version served and the job says why.

File names sent by a client are kept for display only: the files live under
generated names in a private temporary folder.

With an engine, every job's state is also stored in ``upload_jobs`` (when it
is queued, starts, changes stage and ends), so any worker on the same
database answers ``GET /jobs/{id}`` for a job another worker runs.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from ifc_models.errors import IfcModelError, NotAnIfcFileError
from ifc_models.source import MAX_ZIP_RATIO, check_step_text
from twin.buildings.registry import BuildingRegistry, check_building_id
from twin.store.db import metadata

log = logging.getLogger(__name__)

JobState = Literal["queued", "running", "done", "failed"]

#: Bytes read from the start of a file to recognise it.
SNIFF_BYTES = 64 * 1024
#: Bytes of a file's end that must hold ``END-ISO-10303-21;``.
TAIL_BYTES = 4096
#: Chunk size when inflating an archive member, bytes.
INFLATE_CHUNK = 1024 * 1024
#: Finished jobs kept in memory for their status URL.
MAX_FINISHED_JOBS = 200
#: Characters kept in a displayed file name.
SAFE_NAME = re.compile(r"[^\w.\- ]+")


upload_jobs = Table(
    "upload_jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("building_id", String(64), nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("files", JSON, nullable=False),
    Column("state", String(16), nullable=False),
    Column("stage", String(40), nullable=False),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
)


class UploadError(Exception):
    """Base error of model uploads."""


class UploadTooLargeError(UploadError):
    """The upload exceeds the configured size."""


class UnsupportedContentError(UploadError):
    """The content is not an IFC model (ISO-10303-21 text or an ifczip)."""


class ZipBombError(UploadError):
    """An archive that would inflate beyond the limits."""


class UnknownJobError(UploadError, KeyError):
    """No upload job has this id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown job"


def display_name(name: str | None, index: int) -> str:
    """A client's file name made safe to show (never to use as a path)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = SAFE_NAME.sub("_", base).strip(" .")[:120]
    return cleaned or f"file-{index}"


def sniff_upload(path: Path, *, max_unzipped_bytes: int) -> str:
    """What the file is, by content: ``"step"`` or ``"ifczip"``.

    Raises
    ------
    UnsupportedContentError
        Neither STEP text nor a zip holding exactly one ``.ifc``.
    ZipBombError
        An archive whose member declares more than ``max_unzipped_bytes`` or a
        compression ratio above :data:`ifc_models.source.MAX_ZIP_RATIO`.
    """
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if head.startswith(b"PK"):
        member = _single_member(path)
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > max_unzipped_bytes or ratio > MAX_ZIP_RATIO:
            raise ZipBombError(
                f"the archive's model would inflate to {member.file_size:,} bytes "
                f"(ratio {ratio:.0f}:1; limits {max_unzipped_bytes:,} bytes, {MAX_ZIP_RATIO}:1)"
            )
        return "ifczip"
    if b"ISO-10303-21;" in head[:1024]:
        return "step"
    raise UnsupportedContentError("not an IFC model (no ISO-10303-21 header, not an ifczip)")


def _single_member(path: Path) -> zipfile.ZipInfo:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".ifc")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsupportedContentError(f"a damaged zip archive ({exc})") from None
    if len(members) != 1:
        raise UnsupportedContentError(
            f"an ifczip must hold exactly one .ifc file, found {len(members)}"
        )
    return members[0]


def check_model_file(path: Path, *, max_unzipped_bytes: int) -> str:
    """Check a whole file (inflating an archive in a stream, with a cap); its schema.

    Raises
    ------
    UploadError, ifc_models.errors.IfcModelError
    """
    if sniff_upload(path, max_unzipped_bytes=max_unzipped_bytes) == "step":
        with path.open("rb") as stream:
            head = stream.read(SNIFF_BYTES)
            size = stream.seek(0, 2)
            stream.seek(max(0, size - TAIL_BYTES))
            tail = stream.read()
        return check_step_text(path, head if size <= SNIFF_BYTES else head + tail)
    member = _single_member(path)
    head = b""
    tail = b""
    inflated = 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            while chunk := stream.read(INFLATE_CHUNK):
                inflated += len(chunk)
                if inflated > max_unzipped_bytes:
                    raise ZipBombError(
                        f"the archive's model inflates beyond {max_unzipped_bytes:,}"
                    )
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                tail = (tail + chunk)[-TAIL_BYTES:]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise NotAnIfcFileError(f"{path}: a damaged zip archive ({exc})") from None
    return check_step_text(path, head if inflated <= SNIFF_BYTES else head + tail)


@dataclass
class Job:
    """An upload being ingested. ``progress`` is ``(stage, done, total)``."""

    id: str
    building_id: str
    actor: str
    files: tuple[str, ...]
    state: JobState = "queued"
    stage: str = "queued"
    done: int = 0
    total: int = 0
    error: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None


class UploadJobs:
    """Upload jobs run one at a time in a worker thread (ingestion is CPU-bound).

    ``on_finished(job)`` is called after each job (audit, metrics).
    """

    def __init__(
        self,
        registry: BuildingRegistry,
        *,
        max_unzipped_bytes: int,
        on_finished: Callable[[Job], None] | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.registry = registry
        self.engine = engine
        self.max_unzipped_bytes = max_unzipped_bytes
        self.on_finished = on_finished
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="twin-upload")
        self.counts: Counter[str] = Counter()

    def submit(
        self, building_id: str, files: Sequence[tuple[str, Path]], *, folder: Path, actor: str
    ) -> Job:
        """Queue the ingestion of ``files`` (display name, path) as ``building_id``.

        ``folder`` holds the files and is removed when the job ends.

        Raises
        ------
        twin.buildings.registry.BadBuildingIdError
        """
        check_building_id(building_id)
        job = Job(uuid.uuid4().hex, building_id, actor, tuple(name for name, _ in files))
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        self._save(job)
        self._pool.submit(self._run, job, [path for _, path in files], folder)
        return job

    def get(self, job_id: str) -> Job:
        """The job.

        Raises
        ------
        UnknownJobError
        """
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None and self.engine is not None:
            with self.engine.connect() as connection:
                row = connection.execute(select(upload_jobs).where(upload_jobs.c.id == job_id))
                found = row.first()
            if found is not None:
                data = dict(found._mapping)
                data["files"] = tuple(data["files"])
                for key in ("created_at", "finished_at"):
                    if data[key] is not None and data[key].tzinfo is None:
                        data[key] = data[key].replace(tzinfo=UTC)  # SQLite: naive UTC
                job = Job(**data)
        if job is None:
            raise UnknownJobError(f"no upload job {job_id!r}")
        return job

    def _save(self, job: Job) -> None:
        """Store the job's state for the other workers (a failure only logged)."""
        if self.engine is None:
            return
        row = {
            "id": job.id,
            "building_id": job.building_id,
            "actor": job.actor,
            "files": list(job.files),
            "state": job.state,
            "stage": job.stage,
            "done": job.done,
            "total": job.total,
            "error": job.error,
            "created_at": job.created_at,
            "finished_at": job.finished_at,
        }
        module = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = module.insert(upload_jobs).values(row)
        statement = statement.on_conflict_do_update(
            index_elements=["id"], set_={k: v for k, v in row.items() if k != "id"}
        )
        try:
            with self.engine.begin() as connection:
                connection.execute(statement)
        except Exception:
            log.exception("upload %s: storing its state failed", job.id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _progress(self, job: Job) -> Callable[[str, int, int], None]:
        def update(stage: str, done: int, total: int) -> None:
            changed = stage != job.stage
            job.stage, job.done, job.total = stage, done, total
            if changed:
                self._save(job)

        return update

    def _run(self, job: Job, paths: list[Path], folder: Path) -> None:
        started = time.perf_counter()
        job.state = "running"
        self._save(job)
        try:
            for index, (name, path) in enumerate(zip(job.files, paths, strict=True)):
                job.stage, job.done, job.total = "checking", index, len(paths)
                try:
                    check_model_file(path, max_unzipped_bytes=self.max_unzipped_bytes)
                except (UploadError, IfcModelError) as exc:
                    raise _Failed(_for_user(exc, path, name)) from None
            job.stage, job.done, job.total = "reading", 0, 0
            try:
                self.registry.register(
                    job.building_id,
                    paths,
                    names=job.files,
                    progress=self._progress(job),
                    check=True,
                )
            except IfcModelError as exc:
                raise _Failed(_stored_paths_named(str(exc), job.files)) from None
            job.state, job.stage = "done", "done"
            log.info(
                "upload %s: building %s replaced in %.1f s by %s",
                job.id,
                job.building_id,
                time.perf_counter() - started,
                job.actor,
            )
        except _Failed as failed:
            job.state, job.error = "failed", str(failed)
            log.warning("upload %s of %s failed: %s", job.id, job.building_id, failed)
        except Exception:
            job.state, job.error = "failed", "internal error while reading the model"
            log.exception("upload %s of %s crashed", job.id, job.building_id)
        finally:
            job.finished_at = datetime.now(UTC)
            self._save(job)
            self.counts[job.state] += 1
            shutil.rmtree(folder, ignore_errors=True)
            if self.on_finished is not None:
                try:
                    self.on_finished(job)
                except Exception:
                    log.exception("upload %s: after-job hook failed", job.id)

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.finished_at is not None]
        for job in sorted(finished, key=lambda j: j.created_at)[:-MAX_FINISHED_JOBS]:
            del self._jobs[job.id]


class _Failed(Exception):
    """A job failure with a message fit for the client."""


def _for_user(exc: Exception, path: Path, name: str) -> str:
    return _for_user_text(str(exc).replace(str(path), name), path.parent)


#: A stored copy's path in a message (``/.../<id>.xyz/0.ifc``).
STORED_PATH = re.compile(r"/\S*?/(\d+)\.(?:ifc|ifczip)\b")


def _stored_paths_named(message: str, names: Sequence[str]) -> str:
    """Replace the registry's copy paths in ``message`` by the client's names."""

    def name_of(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return names[index] if index < len(names) else "upload"

    return STORED_PATH.sub(name_of, message)


def _for_user_text(message: str, folder: Path) -> str:
    # Never show server paths to a client.
    return message.replace(str(folder) + "/", "").replace(str(folder), "upload")
