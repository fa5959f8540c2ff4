"""durable_rules' C core in a process of its own, so that its failures cannot take ours down.

durable_rules 2.0.28 hangs holding the GIL on some rulesets, can segfault, swallows exceptions
raised inside actions, and never frees a registered ruleset. The parent (the CLI, the UI) talks
to one child process over a pipe: it registers rulesets, asserts a situation as a fact into the
rulesets that could match it, and gets back the names of the durable rules whose actions ran. A
crash or a hang costs the child, which is restarted; the engines re-register on their next call.

The child runs `python -m rules.durable_core` and speaks length-prefixed JSON on stdin/stdout.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from typing import Any

_HEADER = struct.Struct(">I")
_MAX_MESSAGE = 512 * 1024 * 1024


class CoreError(RuntimeError):
    """The rule engine's process failed: it crashed, hung past its time limit, or refused a request."""


class CoreCrashed(CoreError):
    """The rule engine's process stopped (a signal or an exit) while answering."""


class CoreTimeout(CoreError):
    """The rule engine's process did not answer in time and was stopped."""


class CoreProcess:
    """The parent's handle on the child: one request at a time, restarted after a failure.

    `generation` changes each time a new child starts, so an engine can tell that the rulesets it
    registered are gone. Retired rulesets are deleted in the child, and after `recycle_after` of
    them the child is replaced, which frees what durable_rules keeps of them.
    """

    def __init__(self, *, recycle_after: int = 256) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.generation = 0
        self.registered: set[str] = set()
        self._retire_queue: list[tuple[int, str]] = []
        self._retired = 0
        self.recycle_after = recycle_after

    # --- process lifetime ----------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def _start(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        proc = subprocess.Popen(
            [sys.executable, "-m", "rules.durable_core"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        self._proc = proc
        self.generation += 1
        self.registered = set()
        self._retired = 0
        return proc

    def _running(self) -> subprocess.Popen[bytes]:
        proc = self._proc
        if proc is None or proc.poll() is not None or self._retired >= self.recycle_after:
            if proc is not None:
                self._stop(proc)
            proc = self._start()
        return proc

    def _stop(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
        if self._proc is proc:
            self._proc = None

    def close(self) -> None:
        with self._lock:
            if self._proc is not None:
                self._stop(self._proc)

    # --- requests --------------------------------------------------------------------------

    def _call(self, request: dict[str, Any], timeout: float) -> Any:
        proc = self._running()
        assert proc.stdin is not None and proc.stdout is not None
        body = json.dumps(request, ensure_ascii=False).encode()
        try:
            proc.stdin.write(_HEADER.pack(len(body)) + body)
            proc.stdin.flush()
            header = _read(proc, _HEADER.size, time.monotonic() + timeout)
            (length,) = _HEADER.unpack(header)
            reply = json.loads(_read(proc, length, time.monotonic() + timeout))
        except CoreTimeout:
            self._stop(proc)
            raise CoreTimeout(
                f"the rule engine did not answer {request['op']!r} within {timeout:g} s and was stopped"
            ) from None
        except (BrokenPipeError, CoreCrashed):
            code = proc.wait()
            self._stop(proc)
            how = f"signal {-code} ({signal.Signals(-code).name})" if code < 0 else f"exit code {code}"
            raise CoreCrashed(f"the rule engine's process stopped with {how} during {request['op']!r}") from None
        if "error" in reply:
            raise CoreError(f"the rule engine refused {request['op']!r}: {reply['error']}")
        return reply["ok"]

    def _flush_retired(self) -> None:
        names = [name for gen, name in self._retire_queue if gen == self.generation and name in self.registered]
        self._retire_queue.clear()
        if names and self._proc is not None and self._proc.poll() is None:
            self._call({"op": "retire", "rulesets": names}, timeout=30)
            self.registered.difference_update(names)
            self._retired += len(names)

    def _ensure_registered(self, rulesets: dict[str, dict[str, Any]], timeout: float) -> None:
        self._flush_retired()
        self._running()
        missing = {name: body for name, body in rulesets.items() if name not in self.registered}
        if missing:
            self._call({"op": "register", "rulesets": missing}, timeout)
            self.registered.update(missing)

    def register(self, rulesets: dict[str, dict[str, Any]], *, timeout: float = 120.0) -> None:
        """Register rulesets (name -> durable rule name -> {"all": [...]}) not registered yet."""
        with self._lock:
            self._ensure_registered(rulesets, timeout)

    def ask(
        self,
        rulesets: dict[str, dict[str, Any]],
        names: list[str],
        fact: dict[str, Any],
        *,
        timeout: float = 30.0,
    ) -> list[str]:
        """Assert the fact into each named ruleset, retract it, and return the rules whose actions ran.

        `rulesets` are all of the asking engine's rulesets: after a restart of the child they are
        registered again before the question is asked.
        """
        with self._lock:
            self._ensure_registered(rulesets, timeout=120.0)
            result: list[str] = self._call({"op": "ask", "rulesets": names, "fact": fact}, timeout)
            return result

    def retire(self, names: list[str]) -> None:
        """Forget rulesets nobody uses any more; done on the next request, never from a finalizer."""
        self._retire_queue.extend((self.generation, name) for name in names)

    def raw(self, op: str, *, timeout: float = 30.0, **arguments: Any) -> Any:
        """durable_rules' own calls, unguarded: `register` definitions as given (no partitioning),
        `assert_fact` without retracting, `delete_state`. For diagnosis and for the tests that
        show a hang or a crash of the C core costs only the child; the engine never uses them."""
        if op not in ("register", "assert_fact", "delete_state", "ping"):
            raise ValueError(f"unknown raw call {op!r}")
        with self._lock:
            self._running()
            result = self._call({"op": op, **arguments}, timeout)
            if op == "register":
                self.registered.update(arguments["rulesets"])
            return result


def _read(proc: subprocess.Popen[bytes], size: int, deadline: float) -> bytes:
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        left = deadline - time.monotonic()
        if left <= 0:
            raise CoreTimeout("timed out")
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise CoreCrashed("end of stream")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


_shared: CoreProcess | None = None
_shared_lock = threading.Lock()


def shared_core() -> CoreProcess:
    """The one child process this Python process uses for all its engines."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = CoreProcess()
        return _shared


# --- the child ---------------------------------------------------------------------------------


def _serve() -> None:  # pragma: no cover - runs in the child process, exercised through CoreProcess
    import durable_rules_engine
    from durable.engine import MessageNotHandledException, Ruleset

    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything durable_rules prints must not corrupt the protocol
    stdin = sys.stdin.buffer
    rulesets: dict[str, Any] = {}
    fired: list[str] = []
    ids = itertools.count()

    def recorder(name: str) -> Any:
        return lambda _c: fired.append(name)

    def done(error: Any, _state: Any) -> None:
        if error:
            raise RuntimeError(f"an action failed: {error}")

    def handle(request: dict[str, Any]) -> Any:
        op = request["op"]
        if op == "register":
            for name, body in request["rulesets"].items():
                definition = {rule: {"all": spec["all"], "run": recorder(rule)} for rule, spec in body.items()}
                rulesets[name] = Ruleset(name, None, definition)
            return len(rulesets)
        if op == "ask":
            # durable_rules' own loop (Ruleset.do_actions) builds a closure and writes the state
            # back for every action; the actions here only record their name, so the C calls are
            # made directly: start the first action, then complete each and start the next.
            matched: list[str] = []
            body = json.dumps(dict(request["fact"], sid="0", id=f"s{next(ids)}"))
            for name in request["rulesets"]:
                handle = rulesets[name]._handle
                code, state = durable_rules_engine.assert_fact(handle, body)
                if code == 0:
                    started = durable_rules_engine.start_action_for_state(handle, state)
                    messages = started[1] if started else None
                    while messages:
                        matched.append(messages[2 : messages.index('"', 2)])  # '{"t12": {...}}'
                        messages = durable_rules_engine.complete_and_start_action(handle, state)
                durable_rules_engine.retract_fact(handle, body)
            return matched
        if op == "retire":
            for name in request["rulesets"]:
                ruleset = rulesets.pop(name, None)
                if ruleset is not None:
                    durable_rules_engine.delete_ruleset(ruleset._handle)
            return len(rulesets)
        if op == "assert_fact":
            ruleset = rulesets[request["ruleset"]]
            with contextlib.suppress(MessageNotHandledException):
                ruleset.do_actions(ruleset.assert_fact(request["fact"]), done)
            return list(fired)
        if op == "delete_state":
            rulesets[request["ruleset"]].delete_state(request["sid"])
            return None
        if op == "ping":
            return os.getpid()
        raise ValueError(f"unknown request {op!r}")

    while True:
        header = stdin.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        (length,) = _HEADER.unpack(header)
        if length > _MAX_MESSAGE:
            return
        request = json.loads(stdin.read(length))
        try:
            reply: dict[str, Any] = {"ok": handle(request)}
        except Exception as exc:  # reported to the parent, which raises CoreError naming the request
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        body = json.dumps(reply).encode()
        protocol_out.write(_HEADER.pack(len(body)) + body)
        protocol_out.flush()


if __name__ == "__main__":
    _serve()
