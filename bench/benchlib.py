"""What every benchmark in bench/ shares: the machine, the benchmark database, the server
process, and the sections of bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"  # git-ignored
RESULTS = BENCH_DIR / "RESULTS.md"
VENV_BIN = Path(sys.executable).parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/coshore_bench"


# --- The machine -------------------------------------------------------------------------------


def _first(path: str, pattern: str) -> str:
    try:
        text = Path(path).read_text()
    except OSError:
        return "?"
    m = re.search(pattern, text, re.MULTILINE)
    return m.group(1).strip() if m else "?"


def machine_info() -> dict[str, str]:
    mem_kb = _first("/proc/meminfo", r"^MemTotal:\s+(\d+)")
    try:
        import django

        django_version = django.get_version()
    except ImportError:
        django_version = "?"
    try:
        cpus = str(len(os.sched_getaffinity(0)))
    except AttributeError:
        cpus = str(os.cpu_count())
    try:
        gunicorn_version = (
            subprocess.run(
                [str(VENV_BIN / "gunicorn"), "--version"],
                capture_output=True,
                text=True,
                timeout=10,
            )
            .stdout.strip()
            .split()[-1]
            .rstrip(")")
        )
    except (OSError, subprocess.SubprocessError, IndexError):
        gunicorn_version = "?"
    return {
        "nproc": cpus,
        "cpu": _first("/proc/cpuinfo", r"^model name\s*:\s*(.+)$"),
        "memory": f"{int(mem_kb) / 1024 / 1024:.1f} GiB" if mem_kb.isdigit() else "?",
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django_version,
        "gunicorn": gunicorn_version,
        "loadavg_at_start": " ".join(Path("/proc/loadavg").read_text().split()[:3])
        if Path("/proc/loadavg").exists()
        else "?",
    }


# --- The benchmark database ----------------------------------------------------------------------


def postgres_reachable(url: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(_admin_conninfo(url), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _admin_conninfo(url: str) -> str:
    """The same server, the `postgres` maintenance database."""
    base, _, _ = url.rpartition("/")
    return f"{base}/postgres".replace("postgres://", "postgresql://", 1)


def _db_name(url: str) -> str:
    name = url.rpartition("/")[2].split("?")[0]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: a benchmark database name contains 'bench'")
    return name


def reset_postgres(url: str) -> None:
    """Drop and recreate the benchmark database (its name must contain "bench")."""
    import psycopg

    name = _db_name(url)
    with psycopg.connect(_admin_conninfo(url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def reset_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)


def coshore(*args: str, env: dict[str, str], log: Path, timeout: float = 600) -> None:
    """Run a `coshore` management command against the benchmark database, output to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        proc = subprocess.run(
            [str(VENV_BIN / "coshore"), *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    if proc.returncode:
        raise SystemExit(f"`coshore {' '.join(args)}` failed ({proc.returncode}); see {log}")


def base_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        COSHORE_VAR_DIR=str(OUT_DIR / "var"),
        DEBUG="false",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.pop("COSHORE_TESTING", None)
    return env


# --- The server process --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(
    *,
    env: dict[str, str],
    port: int,
    workers: int,
    log: Path,
    ready_path: str = "/api/v1/ping",
    worker_class: str = "sync",
    threads: int = 1,
    extra: tuple[str, ...] = (),
) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn serving config.wsgi:application on 127.0.0.1:`port`, stopped on exit.

    `sync` workers serve one request at a time and close the connection after it; `gthread`
    workers serve `threads` requests at once and keep connections alive."""
    from loadgen import get

    cmd = [
        str(VENV_BIN / "gunicorn"), "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", worker_class, "--threads", str(threads),
        "--backlog", "2048", "--timeout", "60", "--log-level", "warning", *extra,
    ]  # fmt: skip
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as log_file:
        proc = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=log_file, stderr=log_file, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"gunicorn exited with {proc.returncode}; see {log}")
                try:
                    if get("127.0.0.1", port, ready_path, timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn not ready after 60 s; see {log}")
                time.sleep(0.2)
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # our own session: gunicorn and its workers
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)


def server_pids(proc: subprocess.Popen[bytes]) -> list[int]:
    """The gunicorn arbiter and its workers (children), for CPU accounting."""
    pids = [proc.pid]
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        pids += [int(p) for p in children]
    except OSError:
        pass
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (from /proc, in seconds)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


def cpu_seconds_exact(pids: list[int]) -> float:
    """CPU time of these processes' live threads so far, in seconds, to the nanosecond (the
    first field of /proc/<pid>/task/<tid>/schedstat; falls back to `cpu_seconds`).
    /proc/<pid>/stat counts whole clock ticks (10 ms), which undercounts many processes that
    each run for a few milliseconds."""
    total = 0
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())  # every thread of the process
        except FileNotFoundError:
            continue  # the process has gone
        for task in tasks:
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except FileNotFoundError:
                continue  # the thread has gone
            except (OSError, IndexError, ValueError):
                return cpu_seconds(pids)
    return total / 1e9


def machine_busy_seconds() -> float:
    """CPU seconds spent busy (all CPUs, all processes) since boot, from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")  # guest time is in user already


def postgres_backend_pids(url: str) -> list[int]:
    """Pids of the server processes serving other connections to this database."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(r[0]) for r in rows]


def cpu_busy_fraction(seconds: float = 1.0) -> float:
    """Share of all CPUs busy (not idle, not iowait) over `seconds`, from /proc/stat."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return idle, sum(fields)

    try:
        idle0, total0 = sample()
        time.sleep(seconds)
        idle1, total1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    total = total1 - total0
    return 1.0 - (idle1 - idle0) / total if total > 0 else 0.0


def wait_until_quiet(max_wait_s: float, busy_below: float = 0.15) -> float:
    """Wait (at most `max_wait_s`) until other processes leave the CPUs mostly idle.

    Returns the last busy share seen. Benchmarks on a shared machine are only comparable
    when they are not competing with a test suite or a browser.
    """
    deadline = time.monotonic() + max_wait_s
    busy = cpu_busy_fraction()
    while busy >= busy_below and time.monotonic() < deadline:
        print(f"machine busy ({busy:.0%} of CPU used by others); waiting ...", file=sys.stderr)
        time.sleep(4)
        busy = cpu_busy_fraction()
    return busy


# --- bench/RESULTS.md --------------------------------------------------------------------------

RESULTS_HEADER = """# Benchmark results

Written by the benchmarks in `bench/` (see `bench/README.md`); each benchmark rewrites only
its own section, and a run on one database only its own subsection. Figures from a shared
2-core machine are noisy: compare runs on one machine, and read the load average at start.
"""


def replace_section(text: str, heading: str, body: str, level: int = 2) -> str:
    """Replace (or append) the markdown section that starts with `heading` at `level`."""
    marker = "#" * level + " "
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == marker + heading), None)
    new = [marker + heading, "", *body.strip("\n").splitlines(), ""]
    if start is None:
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join([*lines, "", *new]) + "\n"
    end = len(lines)
    for j in range(start + 1, len(lines)):
        m = re.match(r"^(#+) ", lines[j])
        if m and len(m.group(1)) <= level:
            end = j
            break
    return "\n".join([*lines[:start], *new, *lines[end:]]).rstrip("\n") + "\n"


def write_results(section: str, intro: str, subsection: str, body: str) -> None:
    """Set `## section` (its intro text) and `### subsection` inside it."""
    text = RESULTS.read_text() if RESULTS.exists() else RESULTS_HEADER
    lines = text.splitlines()
    # Keep the other subsections of this section, replace the intro and ours.
    idx = next((i for i, line in enumerate(lines) if line.strip() == f"## {section}"), None)
    kept: str = ""
    if idx is not None:
        end = len(lines)
        for j in range(idx + 1, len(lines)):
            if re.match(r"^## ", lines[j]):
                end = j
                break
        sub_start = next((j for j in range(idx + 1, end) if lines[j].startswith("### ")), end)
        kept = "\n".join(lines[sub_start:end])
    kept = (
        replace_section(kept, subsection, body, level=3) if kept else f"### {subsection}\n\n{body}"
    )
    text = replace_section(text, section, intro.strip("\n") + "\n\n" + kept.strip("\n"))
    RESULTS.write_text(text)
