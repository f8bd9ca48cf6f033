"""Reading untrusted files in a child process with hard limits, so a library that misbehaves on a hostile
file (a content-stream bomb that pdfminer inflates into gigabytes, a decoder that spins) costs one killed
child, never the server's memory or its threads.

Each call forks a child from a clean, single-threaded fork server (multiprocessing's ``forkserver``: forking
the multi-threaded API or CLI process itself would copy locks held by other threads). The child caps its own
address space (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``) before it touches the data, and the parent waits
at most the wall-time budget, then kills it. Whatever happens in the child comes back as a result or as a
domain error: a ``DocintelError`` raised there is rebuilt here; memory, CPU or wall time spent is
``TooComplex``; a crash (a segfault in a C library) is ``CorruptFile``.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from domain.errors import CorruptFile, DocintelError, TooComplex

log = logging.getLogger(__name__)
T = TypeVar("T")

# Imported once in the fork server, so a child starts with them loaded (a few milliseconds, not a second).
_PRELOAD = ["numpy", "PIL.Image", "pypdfium2", "pdfplumber", "capture.pdf", "capture.images"]
_CONTEXT_LOCK = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None
_MB = 1024 * 1024


@dataclass(frozen=True)
class Budget:
    """What one file may cost: address space the child may add to what it starts with, its CPU seconds, and
    wall seconds."""

    memory_bytes: int
    cpu_s: int
    wall_s: float


def _forget_fork_server() -> None:
    """In a process forked from one that started the fork server (a Celery prefork pool process), the server is
    not its child: multiprocessing would ``waitpid`` on it and fail. Such a process starts its own on first use."""
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    if server is not None and getattr(server, "_forkserver_pid", None) is not None:
        server._forkserver_pid = None
        server._forkserver_address = None
        server._forkserver_alive_fd = None
        server._inherited_fds = None
        server._lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_fork_server)


def _get_context() -> multiprocessing.context.BaseContext:
    global _context
    with _CONTEXT_LOCK:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            _context = ctx
        return _context


def _address_space_now() -> int:
    """Bytes mapped by this process (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _limit_self(budget: Budget) -> None:
    # The budget is what reading may add: the reader libraries themselves map ~430 MB (OpenCV, NumPy's BLAS)
    # before the first byte is read, and that does not grow with the file.
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    mem = _address_space_now() + budget.memory_bytes
    mem = mem if hard == resource.RLIM_INFINITY else min(mem, hard)
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    cpu = budget.cpu_s if cpu_hard == resource.RLIM_INFINITY else min(budget.cpu_s, cpu_hard)
    # SIGXCPU at the soft limit ends the child (its default action); SIGKILL a second later if it is caught.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1 if cpu_hard == resource.RLIM_INFINITY else cpu_hard))
    # A child that runs out of memory must not leave a core file of that size behind.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child(conn: Connection, fn: Callable[..., Any], args: tuple, budget: Budget) -> None:
    try:
        _limit_self(budget)
        outcome: tuple[str, Any] = ("ok", fn(*args))
    except DocintelError as exc:
        outcome = ("error", (type(exc), exc.message, exc.message_zh, exc.detail))
    except (MemoryError, SystemError):
        # Under RLIMIT_AS a C extension that fails to allocate often surfaces as SystemError rather than
        # MemoryError; neither is something a file's bytes say about themselves.
        outcome = ("memory", None)
    except RecursionError:
        outcome = ("crash", "nesting too deep (RecursionError)")
    except BaseException as exc:  # anything else a library raises on a hostile file
        outcome = ("crash", type(exc).__name__)
    try:
        conn.send(outcome)
    except MemoryError:
        os._exit(3)  # the result does not fit in the budget either
    except Exception as exc:  # a result that cannot be pickled is a bug of ours, named as such
        conn.send(("crash", f"the result cannot be sent back ({type(exc).__name__}: {exc})"))
    finally:
        conn.close()


def _over_budget(what: str, budget: Budget) -> TooComplex:
    return TooComplex(
        f"reading the file took more {what} than allowed "
        f"({budget.memory_bytes // _MB} MB, {budget.cpu_s} s CPU, {budget.wall_s:.0f} s); the work was stopped",
        message_zh="文件过于复杂，超出处理限额（内存或时间），已停止处理，请重新导出或拆分后上传",
        reason=what.split()[0],
    )


@contextlib.contextmanager
def _as_plain_parent() -> Iterator[None]:
    """Lets a Celery pool process start the child. Billiard marks its pool processes daemonic, which
    multiprocessing refuses to give children (a daemon is ended without joining them: this child is always
    joined or killed before ``run_isolated`` returns), and gives them an authkey of its own type that
    multiprocessing's pickler refuses. Both are set back as they were once the child has started."""
    config = multiprocessing.current_process()._config  # type: ignore[attr-defined]
    saved = {k: config[k] for k in ("daemon", "authkey") if k in config}
    config.pop("daemon", None)
    if "authkey" in saved and type(saved["authkey"]) is not multiprocessing.process.AuthenticationString:
        config["authkey"] = multiprocessing.process.AuthenticationString(bytes(saved["authkey"]))
    try:
        yield
    finally:
        config.update(saved)


def run_isolated(fn: Callable[..., T], args: tuple, budget: Budget, *, what: str = "file") -> T:
    """``fn(*args)`` in a limited child process. ``fn`` and ``args`` must be picklable (a module-level
    function); the result comes back pickled."""
    ctx = _get_context()
    reader, writer = ctx.Pipe(duplex=False)
    t0 = time.monotonic()
    with _as_plain_parent():
        proc = ctx.Process(target=_child, args=(writer, fn, args, budget), daemon=True, name=f"docintel-{what}")
        proc.start()
    writer.close()
    outcome: tuple[str, Any] | None = None
    try:
        if reader.poll(budget.wall_s):
            try:
                outcome = reader.recv()
            except (EOFError, OSError):
                outcome = None  # died before or while answering
        else:
            outcome = ("wall", None)
    finally:
        reader.close()
        if outcome is None:
            proc.join(2)  # it closed the pipe without an answer: let it end, to read how it ended
        if outcome is None or outcome[0] == "wall":
            proc.kill()  # over its wall time, or not ending: never left running
        proc.join(5)
        if proc.exitcode is None:
            proc.kill()
            proc.join()
        exitcode = proc.exitcode
        proc.close()
    elapsed = time.monotonic() - t0
    if outcome is None:
        raise _died(exitcode, budget, what, elapsed)
    kind, payload = outcome
    if kind == "ok":
        return payload
    if kind == "error":
        cls, message, message_zh, detail = payload
        try:
            error = cls(message, message_zh=message_zh, **detail)
        except TypeError:  # an error class with a constructor of its own
            error = CorruptFile(message, message_zh=message_zh, **detail)
        raise error
    log.warning("isolated %s: %s after %.1f s (%s)", what, kind, elapsed, payload)
    if kind == "memory":
        raise _over_budget("memory", budget)
    if kind == "wall":
        raise _over_budget("wall time", budget)
    raise CorruptFile(
        f"the {what} cannot be read: the reader failed on it ({payload})",
        message_zh="文件已损坏或格式异常，无法读取，请重新上传",
    )


def _died(exitcode: int | None, budget: Budget, what: str, elapsed: float) -> TooComplex:
    log.warning("isolated %s: child ended with %s after %.1f s and no answer", what, exitcode, elapsed)
    if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        return _over_budget("CPU time", budget)
    # Out of address space surfaces as an abort or a crash in C code as often as a MemoryError.
    return _over_budget("memory (or the reader crashed)", budget)
