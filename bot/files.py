"""Files written whole or not at all (a temporary file beside the target, renamed into place), and
locks that say whom they wait for, give up after a bound, and never outlive a killed process."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .settings import LOCK_TIMEOUT  # seconds a process waits for another one's lock

try:
    import fcntl
except ImportError:  # no POSIX locks (Windows): rely on atomic renames alone
    fcntl = None  # type: ignore[assignment]


def atomic_write(path: Path, data: bytes | Iterable[bytes], overwrite: bool = True) -> None:
    """Write `data` (bytes, or chunks of bytes written one at a time) to `path` atomically.

    With overwrite=False an existing file is never replaced, even one that appears meanwhile:
    FileExistsError is raised instead."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for part in [data] if isinstance(data, bytes) else data:
                fh.write(part)
        if overwrite:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # fails if the file exists, however recently it appeared
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            if path.exists():
                raise FileExistsError(str(path)) from None
            os.replace(tmp, path)
        else:
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


_HELD: set[int] = set()  # descriptors of the locks this process holds (closed in its workers)


class LockTimeout(Exception):
    """Another process held the lock for longer than we were willing to wait."""


@contextlib.contextmanager
def exclusive_lock(path: Path, what: str, timeout: float = LOCK_TIMEOUT,
                   waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if need be) while the block runs.

    When another process holds it, `waiting` is told once what we wait for, and after `timeout`
    seconds LockTimeout is raised. The holder's process id is written into the file, so a waiting
    process can name it. Worker processes started while it is held let go of it
    (`detach_worker`), so a killed build never leaves the lock with orphans."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        if fcntl is not None:
            _acquire(fd, path, what, timeout, waiting)
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _HELD.add(fd)
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)


def _acquire(fd: int, path: Path, what: str, timeout: float, waiting: Callable[[str], None] | None) -> None:
    deadline = None
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if deadline is None:  # the first refusal: say whom we wait for, once
                deadline = time.monotonic() + timeout
                if waiting is not None:
                    waiting(f"Waiting for another citebot process{_holder(fd)} that is {what}; giving up after "
                            f"{timeout:.0f} s (lock file: {path}).")
            elif time.monotonic() >= deadline:
                raise LockTimeout(
                    f"gave up after {timeout:.0f} s waiting for another citebot process{_holder(fd)} that is "
                    f"{what}. If no citebot is running, the lock is held by a process that should not exist: "
                    f"end it, or delete {path}.") from None
        time.sleep(0.1)


def _holder(fd: int) -> str:
    """The holder as " (process N)", or nothing while it has not written its id yet."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int(os.pread(fd, 32, 0).split()[0])
        return f" (process {pid})"
    return ""


def detach_worker(forked_by: int | None = None) -> None:
    """Run first in a worker process: let go of the parent's locks, and die with the parent.

    A forked worker shares the parent's open lock; closing its copy means the lock goes when the
    parent goes. On Linux the kernel then kills the worker (PR_SET_PDEATHSIG) when the process
    that started it dies: the parent itself, or the fork server, which exits with the parent.
    A parent that died before that took effect is seen from the worker's parent process id, when
    the caller says which process forks it (`forked_by`): the pipe multiprocessing watches for it
    stays open while a sibling forked after this worker holds a copy, so a worker orphaned that way
    once waited on the shared task queue for ever."""
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()
    with contextlib.suppress(Exception):
        import ctypes  # in a worker only, and absent from some Python builds: hence here, guarded

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    import multiprocessing  # here, in a worker only: not worth loading at every start

    if forked_by is not None and os.getppid() != forked_by:  # it died before the line above took effect
        os._exit(1)
    parent = multiprocessing.parent_process()
    if parent is not None and not parent.is_alive():  # the same, seen from multiprocessing's pipe
        os._exit(1)
