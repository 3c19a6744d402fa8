"""Resisting password guessing without locking anyone out for good, and without starving searches.

:class:`LoginThrottle` counts password attempts (not only failures: attempts running at the same time
count too, so a burst cannot slip through before the first failure is recorded) under three keys:

* the pair (account, address): a few free attempts, then a delay that doubles at each attempt
  (1 s, 2 s, 4 s, ... capped at ``pair_max_delay``);
* the account from any address: more free attempts and a short cap, so that guessing spread over many
  addresses is slowed too, while a colleague can never be locked out for more than a minute;
* the address for any account: password spraying from one address.

A success resets its account and pair; counters are forgotten after an hour without attempts. While
a key is delayed, attempts are refused at once (no password hash computed) with the number of
seconds to wait. There is no permanent lock.

:class:`BoundedHasher` runs password hashing (scrypt, 16 MiB and ~50 ms of one core each) in at
most ``concurrency`` threads at a time, at most ``rate`` per second on average (a token bucket of
``burst``), and refuses at once when the bucket is empty or ``max_waiting`` attempts already wait:
a flood of logins costs at most that much CPU (``rate`` x 50 ms per second), whatever its rate and
however many accounts and addresses it uses, and never fills the web server's thread pool. People
signing in at the same moment may be asked to retry in a second; searches keep their speed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class ThrottlePolicy(BaseModel):
    pair_free: int = 5
    pair_max_delay: float = 900.0
    account_free: int = 20
    account_max_delay: float = 60.0
    address_free: int = 50
    address_max_delay: float = 900.0
    base_delay: float = 1.0
    forget_after: float = 3600.0
    max_keys: int = 100_000


@dataclass
class _Counter:
    attempts: int = 0
    last: float = 0.0


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: float = 0.0  # seconds, when not allowed
    key: str = ""  # which counter refused: "pair", "account" or "address"


class LoginThrottle:
    """Per-account, per-address and per-pair attempt counters with growing delays (in memory)."""

    def __init__(self, policy: ThrottlePolicy | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy or ThrottlePolicy()
        self._clock = clock
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, str], _Counter] = {}
        self._next_purge = 0.0

    def _limits(self, kind: str) -> tuple[int, float]:
        p = self.policy
        return {"pair": (p.pair_free, p.pair_max_delay), "account": (p.account_free, p.account_max_delay),
                "address": (p.address_free, p.address_max_delay)}[kind]

    def _delay(self, kind: str, attempts: int) -> float:
        free, cap = self._limits(kind)
        if attempts < free:
            return 0.0
        return float(min(cap, self.policy.base_delay * 2 ** min(attempts - free, 40)))

    @staticmethod
    def _keys(account: str, address: str | None) -> list[tuple[str, str]]:
        account = account.strip().lower()[:200]
        address = address or "-"
        return [("pair", f"{account}\x00{address}"), ("account", account), ("address", address)]

    def attempt(self, account: str, address: str | None) -> Verdict:
        """Ask to try a password now. Allowed: the attempt is counted (call :meth:`success` if it was
        right). Refused: nothing is counted, so waiting out the delay is always enough."""
        now = self._clock()
        keys = self._keys(account, address)
        with self._lock:
            self._forget(now)
            worst = Verdict(True)
            for kind, key in keys:
                counter = self._counters.get((kind, key))
                if counter is None:
                    continue
                wait = counter.last + self._delay(kind, counter.attempts) - now
                if wait > worst.retry_after:
                    worst = Verdict(False, wait, kind)
            if not worst.allowed:
                return worst
            for kind, key in keys:
                counter = self._counters.setdefault((kind, key), _Counter())
                counter.attempts += 1
                counter.last = now
            return worst

    def success(self, account: str, address: str | None) -> None:
        pair, acc, addr = self._keys(account, address)
        with self._lock:
            self._counters.pop(pair, None)
            self._counters.pop(acc, None)
            counter = self._counters.get(addr)
            if counter is not None:  # one right password does not clear a spraying address
                counter.attempts = max(0, counter.attempts - 1)

    def _forget(self, now: float) -> None:
        if len(self._counters) < self.policy.max_keys and now < self._next_purge:
            return
        self._next_purge = now + 60.0
        horizon = now - self.policy.forget_after
        for key in [k for k, c in self._counters.items() if c.last < horizon]:
            del self._counters[key]
        if len(self._counters) >= self.policy.max_keys:  # a flood of made-up names: forget the older half
            ordered = sorted(self._counters, key=lambda k: self._counters[k].last)
            for key in ordered[: len(ordered) // 2]:
                del self._counters[key]


class HashingBusy(Exception):
    """Too many password checks are already running or waiting; retry in a moment."""


class BoundedHasher:
    """Runs a CPU-heavy check (password hashing) with bounded concurrency and a bounded queue."""

    def __init__(self, concurrency: int = 1, max_waiting: int = 4, wait_timeout: float = 2.0,
                 rate: float = 4.0, burst: float = 8.0, clock: Callable[[], float] = time.monotonic) -> None:
        if concurrency < 1 or rate <= 0 or burst < 1:
            raise ValueError("concurrency and burst must be at least 1, rate positive")
        self._slots = threading.BoundedSemaphore(concurrency)
        self._waiting = 0
        self._lock = threading.Lock()
        self.max_waiting = max_waiting
        self.wait_timeout = wait_timeout
        self.rate, self.burst = rate, burst
        self._tokens, self._clock = burst, clock
        self._refilled = clock()
        self.refused = 0

    def _take_token(self) -> bool:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._refilled) * self.rate)
        self._refilled = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def run(self, fn: Callable[[], T]) -> T:
        with self._lock:
            if self._waiting >= self.max_waiting or not self._take_token():
                self.refused += 1
                raise HashingBusy()
            self._waiting += 1
        try:
            acquired = self._slots.acquire(timeout=self.wait_timeout)
        finally:
            with self._lock:
                self._waiting -= 1
        if not acquired:
            with self._lock:
                self.refused += 1
            raise HashingBusy()
        try:
            return fn()
        finally:
            self._slots.release()
