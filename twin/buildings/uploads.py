"""Model uploads: content checks and background ingestion jobs.

An upload is one or more files for one building. :func:`sniff_upload` refuses,
before anything is queued, what is plainly not a model: content that is
neither ISO-10303-21 text nor a zip archive, and archives that
:func:`ifc_models.archive.check_archive` refuses (not exactly one ``.ifc``, a
nested archive, hostile member names, a zip bomb). :class:`UploadJobs` then checks each file fully
(the archive is inflated in a stream with a cap, the STEP envelope and schema
are checked by :mod:`ifc_models.source`) and ingests the building in a worker
thread; only a successful read replaces the registered building
(:meth:`twin.buildings.registry.BuildingRegistry.register`), so a failed upload leaves
the previous version served and the job says why.

File names sent by a client are kept for display only: the files live under
generated names in a private folder of the spool directory
(``TWIN_DATA_DIR/uploads``), removed when the job ends.

Jobs live in the database (table ``upload_jobs``), so a restarted service, and
any other worker on the same database, sees them. A job belongs to the process
that runs it (``owner``: host and pid), which touches its ``heartbeat_at``
every :data:`JOB_HEARTBEAT_S`. A job whose owner died (a kill, a crash) is
*interrupted*: it is marked failed, with an audit row ``upload-interrupted``,
when a service on the same host starts (its pid is gone) or when anyone reads
it after its heartbeat is older than :data:`JOB_LEASE_S`. At start-up,
once no job runs anywhere, the folders a killed job left behind (spooled
uploads, half-copied model folders) are removed.

Over 400 lines: the job table (kept in the database so another process sees
it), its recovery and the worker thread belong to one life cycle of an
upload; the archive checks live in :mod:`ifc_models.archive`.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import JSON, Column, DateTime, Engine, Integer, String, Table, Text, select

from ifc_models.archive import check_archive, inflate, open_archive
from ifc_models.errors import IfcModelError
from ifc_models.source import check_step_text
from twin.buildings.errors import BuildingError
from twin.buildings.registry import BuildingRegistry, check_building_id
from twin.store.audit import record_audit
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
#: Seconds between heartbeats of the jobs a process owns.
JOB_HEARTBEAT_S = 5.0
#: Seconds without a heartbeat after which a job's owner is taken for dead.
JOB_LEASE_S = 30.0
#: Seconds between progress writes to the database while a stage runs.
PROGRESS_WRITE_S = 1.0
#: A job's error once its owner died.
INTERRUPTED = "interrupted: the service stopped while this upload was being read; upload again"
OPEN_JOB_STATES = ("queued", "running")

jobs_table = Table(
    "upload_jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("building_id", String(64), nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("files", JSON, nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("stage", String(32), nullable=False),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("error", Text, nullable=True),
    Column("owner", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("heartbeat_at", DateTime(timezone=True), nullable=False),
)


class UploadError(BuildingError):
    """Base error of model uploads."""


class UploadTooLargeError(UploadError):
    """The upload exceeds the configured size."""


class UnsupportedContentError(UploadError):
    """The content is not an IFC model (ISO-10303-21 text or an ifczip)."""


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
        Neither STEP text nor a zip archive.
    ifc_models.errors.ArchiveError
        An archive refused by :func:`ifc_models.archive.check_archive`
        (``ZipBombError`` beyond ``max_unzipped_bytes`` or the ratio limit).
    """
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if head.startswith(b"PK"):
        with open_archive(path) as archive:
            check_archive(archive, max_unzipped_bytes=max_unzipped_bytes)
        return "ifczip"
    if b"ISO-10303-21;" in head[:1024]:
        return "step"
    raise UnsupportedContentError("not an IFC model (no ISO-10303-21 header, not an ifczip)")


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
    head = b""
    tail = b""
    inflated = 0
    with open_archive(path) as archive:
        member = check_archive(archive, max_unzipped_bytes=max_unzipped_bytes)
        for chunk in inflate(archive, member, max_unzipped_bytes=max_unzipped_bytes):
            inflated += len(chunk)
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            tail = (tail + chunk)[-TAIL_BYTES:]
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
    """Upload jobs, kept in the database, run one at a time in a worker thread
    (ingestion is CPU-bound). See the module for ownership and interruption."""

    def __init__(
        self,
        registry: BuildingRegistry,
        engine: Engine,
        *,
        spool_dir: Path,
        max_unzipped_bytes: int,
    ) -> None:
        self.registry = registry
        self.engine = engine
        self.spool_dir = Path(spool_dir)
        self.max_unzipped_bytes = max_unzipped_bytes
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        metadata.create_all(engine, tables=[jobs_table])
        self._jobs: dict[str, Job] = {}
        self._written: dict[str, float] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="twin-upload")
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._heartbeats, name="twin-upload-beat", daemon=True)
        self._beat.start()
        self.counts: Counter[str] = Counter()

    def new_folder(self) -> Path:
        """A private folder for one upload's files (removed when its job ends)."""
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="upload-", dir=self.spool_dir))

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
        with self.engine.begin() as conn:
            conn.execute(jobs_table.insert().values(**_row(job), owner=self.owner))
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        self._pool.submit(self._run, job, [path for _, path in files], folder)
        return job

    def get(self, job_id: str) -> Job:
        """The job, from this process or from the database (another worker, an earlier
        run); a job whose owner died is marked interrupted here.

        Raises
        ------
        UnknownJobError
        """
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None:
            return job
        with self.engine.connect() as conn:
            row = conn.execute(select(jobs_table).where(jobs_table.c.id == job_id)).first()
        if row is None:
            raise UnknownJobError(f"no upload job {job_id!r}")
        job = _job(row._mapping)
        if job.state in OPEN_JOB_STATES and _heartbeat(row) < _now() - _lease():
            return self._interrupt(job) or self.get(job_id)
        return job

    def recover(self) -> list[Job]:
        """At start-up: mark the jobs of dead owners interrupted (audited), then, if no
        job runs anywhere, remove what interrupted jobs left on disk. The jobs marked."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(jobs_table).where(jobs_table.c.state.in_(OPEN_JOB_STATES))
            ).all()
        host = socket.gethostname()
        marked, alive = [], 0
        for row in rows:
            owner_host, _, pid = str(row.owner).rpartition(":")
            dead = (owner_host == host and not _pid_alive(pid)) or (
                _heartbeat(row) < _now() - _lease()
            )
            job = self._interrupt(_job(row._mapping)) if dead else None
            if job is not None:
                marked.append(job)
            elif not dead:
                alive += 1
        if alive:
            log.info("%d upload job(s) run in another process: leaving upload folders", alive)
        else:
            self._sweep()
        return marked

    def shutdown(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _interrupt(self, job: Job) -> Job | None:
        """Mark an open job interrupted and audit it, unless someone else just did."""
        now = _now()
        with self.engine.begin() as conn:
            done = conn.execute(
                jobs_table.update()
                .where(jobs_table.c.id == job.id, jobs_table.c.state.in_(OPEN_JOB_STATES))
                .values(state="failed", stage="interrupted", error=INTERRUPTED, finished_at=now)
            )
            if done.rowcount != 1:
                return None
            job.state, job.stage, job.error, job.finished_at = (
                "failed",
                "interrupted",
                INTERRUPTED,
                now,
            )
            _audit(conn, job, "upload-interrupted")
        log.warning(
            "upload %s of %s was interrupted (its service stopped)", job.id, job.building_id
        )
        return job

    def _sweep(self) -> None:
        removed = self.registry.remove_orphans()
        if self.spool_dir.is_dir():
            for left in self.spool_dir.iterdir():
                if left.is_dir():
                    shutil.rmtree(left, ignore_errors=True)
                else:
                    left.unlink(missing_ok=True)
                removed.append(left.name)
        if removed:
            log.warning("removed %d folder(s) left by interrupted uploads", len(removed))

    def _heartbeats(self) -> None:
        while not self._stop.wait(JOB_HEARTBEAT_S):
            with self._lock:
                mine = [j.id for j in self._jobs.values() if j.state in OPEN_JOB_STATES]
            if not mine:
                continue
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        jobs_table.update()
                        .where(jobs_table.c.id.in_(mine))
                        .values(heartbeat_at=_now())
                    )
            except Exception:
                log.exception("upload job heartbeat failed")

    def _save(self, job: Job, *, force: bool = False) -> None:
        """Write the job's state and progress (progress at most every PROGRESS_WRITE_S)."""
        now = time.monotonic()
        if not force and now - self._written.get(job.id, 0.0) < PROGRESS_WRITE_S:
            return
        self._written[job.id] = now
        with self.engine.begin() as conn:
            conn.execute(jobs_table.update().where(jobs_table.c.id == job.id).values(**_row(job)))

    def _progress(self, job: Job) -> Callable[[str, int, int], None]:
        def update(stage: str, done: int, total: int) -> None:
            changed = stage != job.stage
            job.stage, job.done, job.total = stage, done, total
            self._save(job, force=changed)

        return update

    def _run(self, job: Job, paths: list[Path], folder: Path) -> None:
        started = time.perf_counter()
        job.state = "running"
        try:
            for index, (name, path) in enumerate(zip(job.files, paths, strict=True)):
                job.stage, job.done, job.total = "checking", index, len(paths)
                self._save(job, force=True)
                try:
                    check_model_file(path, max_unzipped_bytes=self.max_unzipped_bytes)
                except (UploadError, IfcModelError) as exc:
                    raise _Failed(_for_user(exc, path, name)) from None
            job.stage, job.done, job.total = "reading", 0, 0
            self._save(job, force=True)
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
            self.counts[job.state] += 1
            shutil.rmtree(folder, ignore_errors=True)
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        jobs_table.update().where(jobs_table.c.id == job.id).values(**_row(job))
                    )
                    _audit(conn, job, "upload" if job.state == "done" else "upload-failed")
            except Exception:
                log.exception("upload %s: storing its end failed", job.id)
            self._written.pop(job.id, None)

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.finished_at is not None]
        for job in sorted(finished, key=lambda j: j.created_at)[:-MAX_FINISHED_JOBS]:
            del self._jobs[job.id]


def _row(job: Job) -> dict[str, Any]:
    return {
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
        "heartbeat_at": _now(),
    }


def _job(mapping: Any) -> Job:
    return Job(
        id=mapping["id"],
        building_id=mapping["building_id"],
        actor=mapping["actor"],
        files=tuple(mapping["files"]),
        state=mapping["state"],
        stage=mapping["stage"],
        done=mapping["done"],
        total=mapping["total"],
        error=mapping["error"],
        created_at=_utc(mapping["created_at"]),
        finished_at=_utc(mapping["finished_at"]) if mapping["finished_at"] else None,
    )


def _audit(conn: Any, job: Job, action: str) -> None:
    record_audit(
        conn,
        job.actor,
        action,
        f"building:{job.building_id}",
        None,
        {"job": job.id, "files": list(job.files), "state": job.state, "error": job.error},
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _lease() -> timedelta:
    return timedelta(seconds=JOB_LEASE_S)


def _heartbeat(row: Any) -> datetime:
    return _utc(row.heartbeat_at)


def _utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes: they were stored as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _pid_alive(pid: str) -> bool:
    if not pid.isdigit():
        return True  # not ours to judge: the lease decides
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
