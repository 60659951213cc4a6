"""Low-level file helpers: private permissions, atomic replace, fsync."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_SUFFIX = ".tmp"


def ensure_private_dir(path: Path) -> None:
    """Create the folder (and any missing parents) if needed and make it 0700, whatever the umask.

    Each missing parent is made 0700 too (``mkdir(parents=True)`` would give parents the umask's default,
    world-writable under umask 0); parents that already exist are left as they are.
    """
    path = Path(path)
    missing = []
    at = path
    while not at.exists() and at != at.parent:
        missing.append(at)
        at = at.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile (by another process): its mode is its maker's
        if (folder.stat().st_mode & 0o777) != DIR_MODE:
            os.chmod(folder, DIR_MODE)
    if (path.stat().st_mode & 0o777) != DIR_MODE:
        os.chmod(path, DIR_MODE)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def open_private(path: Path, flags: int) -> int:
    """os.open with mode 0600 enforced even when the umask or an older file says otherwise."""
    fd = os.open(path, flags, FILE_MODE)
    try:
        if (os.fstat(fd).st_mode & 0o777) != FILE_MODE:
            os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return fd


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")


def atomic_write(path: Path, data: bytes | Iterable[bytes], sync: bool = True, sync_dir: bool = True) -> None:
    """Write a whole file so that a crash leaves either the old or the new content, never a mix.

    ``data``: the bytes, or pieces of them in turn (a long file need not be in memory all at once).

    Temp file in the same folder, write, fsync, rename over, fsync the folder. On failure the
    temp file is removed and the old file is untouched. ``sync=False`` (bulk imports only) skips
    the fsyncs: still atomic against a crash of the app, not against a power cut. ``sync_dir=False``
    leaves out the folder's fsync: after a power cut the rename may be undone (the old file is back,
    whole), which is fine for files whose changes are also in a journal.
    """
    tmp = temp_path(path)
    fd = open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        try:
            for piece in (data,) if isinstance(data, bytes) else data:
                write_all(fd, piece)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    if sync and sync_dir:
        fsync_dir(path.parent)


def remove_stray_temp_files(folder: Path) -> list[Path]:
    removed = []
    if not folder.is_dir():
        return removed
    for tmp in folder.glob(f".*{TEMP_SUFFIX}"):
        try:
            tmp.unlink()
            removed.append(tmp)
        except OSError:
            pass
    return removed
