"""Fuzz suite settings (issue 12 §7): fixed seed, no deadline, totals in the summary.

Every test here runs a Hypothesis strategy with ``derandomize=True``, so a CI run always
tries the same inputs (a failure reproduces with the same command); ``max_examples`` per
test adds up to more than 10,000 inputs. ``tally`` counts the inputs each test really
ran, the terminal summary prints them with the time taken (docs/security.md quotes it).
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz", derandomize=True, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture,
                           HealthCheck.large_base_example])

#: inputs run per fuzz target (filled by the tests, printed at the end)
TALLY: Counter[str] = Counter()
SECONDS: Counter[str] = Counter()


def fuzz_settings(examples: int) -> settings:
    return settings(settings.get_profile("fuzz"), max_examples=examples)


@pytest.fixture
def timed(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    yield
    SECONDS[request.node.name] += time.perf_counter() - start


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY:
        return
    terminalreporter.section("fuzz totals (issue 12)")
    for name in sorted(TALLY):
        terminalreporter.write_line(f"{name:55} {TALLY[name]:6} inputs")
    terminalreporter.write_line(f"{'total':55} {sum(TALLY.values()):6} inputs in "
                                f"{sum(SECONDS.values()):.1f} s")


#: address space a fuzz test may add to what the test process already uses
HEADROOM = 512 * 1024 * 1024


def _address_space() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@pytest.fixture
def memory_cap():  # type: ignore[no-untyped-def]
    """Soft RLIMIT_AS = current address space + 512 MB while the test runs (Linux).

    An input that makes a parser allocate beyond it ends as MemoryError (Python) or an
    abort (native code): either way the fuzz test fails. The soft limit is raised back
    afterwards (the hard limit is never touched).
    """
    import resource

    used = _address_space()
    if used is None:
        yield None
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = used + HEADROOM
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield cap
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
