"""The state every table is drawn from: the seed's random streams, the expected-quarantine bookkeeping, and the
people (personas, accounts, product users, devices) that every table describes."""

from __future__ import annotations

import datetime as dt
import zlib
from collections import Counter

import numpy as np

from .. import vocab
from .arrays import choice, uniform_int
from .schema import DAY, HOUR
from .sinks import Sink
from .words import DOMAINS, FIRST_NAMES, LAST_NAMES

PERSONAS = ["never_active", "power_user", "new", "active", "at_risk", "dormant"]
PERSONA_SHARES = [0.10, 0.08, 0.06, 0.30, 0.14, 0.32]
NEVER, POWER, NEW, ACTIVE, AT_RISK, DORMANT = range(6)


class World:
    def __init__(self, contacts: int, seed: int, as_of: dt.date, sink: Sink):
        self.n = contacts
        self.seed = seed
        self.as_of = as_of
        self.end = int(dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC).timestamp()) + DAY
        # ten years on: a date no extract can carry when it was loaded (future_timestamp dirt)
        self.far_future = self.end + 3650 * DAY
        self.sink = sink
        self.quarantined: dict[str, Counter] = {}
        self.cleanable: Counter = Counter()
        self.salt = int(self.rng("salt").integers(0, 1 << 47))

    # -- bookkeeping -------------------------------------------------------------------------------------------
    def rng(self, *parts) -> np.random.Generator:
        """One independent stream per table (and chunk): the same data whatever the order of the calls."""
        return np.random.default_rng([self.seed % (1 << 63), *(zlib.crc32(str(p).encode()) for p in parts)])

    def expect(self, table: str, reason: str, count) -> None:
        count = int(count)
        if count:
            self.quarantined.setdefault(table, Counter())[reason] += count

    def day_start(self, days_ago) -> np.ndarray:
        """Epoch seconds of the start of the UTC day `days_ago` days before as_of (0 = as_of, -1 = the next day)."""
        return self.end - (np.asarray(days_ago, dtype=np.int64) + 1) * DAY


# -- who everyone is -----------------------------------------------------------------------------------------


def people(g: World) -> None:
    n = g.n
    rng = g.rng("people")
    g.width = max(6, len(str(n)))
    g.persona = choice(rng, n, PERSONA_SHARES).astype(np.int8)
    g.country_codes = list(vocab.COUNTRY_WEIGHTS)
    g.country = choice(rng, n, list(vocab.COUNTRY_WEIGHTS.values()))  # the true country (ISO index)
    status = rng.random(n)
    g.deleted = status < 0.02
    g.erased = (status >= 0.02) & (status < 0.025)
    if n >= 20 and not g.erased.any():
        g.erased[np.flatnonzero(~g.deleted)[0]] = True
    if n >= 20 and not g.deleted.any():
        g.deleted[np.flatnonzero(~g.erased)[-1]] = True
    g.clean = ~(g.deleted | g.erased)
    g.first_name = rng.integers(0, len(FIRST_NAMES), n)
    g.last_name = rng.integers(0, len(LAST_NAMES), n)
    g.domain = rng.integers(0, len(DOMAINS), n)
    g.email_variant = choice(rng, n, [0.78, 0.08, 0.07, 0.04, 0.03]).astype(np.int8)

    # accounts: 1..30 contacts each (mostly small), ~2% of contacts without an account
    with_account = np.flatnonzero(rng.random(n) >= 0.02)
    order = rng.permutation(with_account)
    sizes = np.zeros(0, dtype=np.int64)
    while sizes.sum() < len(order):
        band = choice(rng, max(16, len(order) // 5), [0.62, 0.28, 0.10])
        more = np.where(band == 0, rng.integers(1, 6, len(band)),
                        np.where(band == 1, rng.integers(6, 16, len(band)), rng.integers(16, 31, len(band))))
        sizes = np.concatenate([sizes, more])
    cut = int(np.searchsorted(np.cumsum(sizes), len(order)))
    sizes = sizes[: cut + 1].copy()
    if len(sizes):
        sizes[-1] = len(order) - sizes[:-1].sum()
    sizes = sizes[sizes > 0]
    g.n_accounts = len(sizes)
    g.account_size = sizes
    g.account = np.full(n, -1, dtype=np.int64)
    g.account[order] = np.repeat(np.arange(g.n_accounts), sizes)
    g.awidth = max(6, len(str(g.n_accounts)))

    # product users: every contact with product activity, half of the never-active ones (identify only)
    g.has_user = (g.persona != NEVER) | (rng.random(n) < 0.5)
    users = np.flatnonzero(g.has_user)
    g.user_no = np.full(n, -1, dtype=np.int64)
    g.user_no[users] = rng.permutation(len(users)) + 1  # linked to contacts only by email
    g.n_users = len(users)
    g.orphan_user_pool = max(10, n // 50)
    g.ghost_users = max(3, n // 200)
    g.uwidth = max(6, len(str(g.n_users + g.orphan_user_pool + g.ghost_users)))
    # first day of product activity, in days before as_of (the first login is on it)
    low = np.array([0, 45, 0, 21, 31, 32])[g.persona]
    high = np.array([395, 395, 12, 395, 395, 395])[g.persona]
    g.first_day = uniform_int(rng, low, high)
    # CRM creation: up to ~2 years ago; new users signed up recently
    g.created = g.end - DAY * rng.integers(30, 730, n) - rng.integers(0, DAY, n)
    recent = g.end - DAY * (g.first_day + rng.integers(0, 45, n)) - rng.integers(0, DAY, n)
    g.created = np.where(g.persona == NEW, recent, g.created)
    g.created = np.minimum(g.created, g.end - 2 * HOUR)
    g.buyer = rng.random(n) < 0.40
    # devices: desktop only, mobile only (phone or tablet), or both
    g.device_pattern = choice(rng, n, [0.55, 0.2, 0.25]).astype(np.int8)
    g.mobile_kind = np.where(rng.random(n) < 0.8, 1, 2).astype(np.int8)  # 1 mobile, 2 tablet
    g.desktop_os = rng.integers(0, len(vocab.OPERATING_SYSTEMS_DESKTOP), n)
    g.desktop_browser = rng.integers(0, len(vocab.BROWSERS), n)
    g.mobile_os = rng.integers(0, 4, n)

    g.plan = choice(rng, g.n_accounts, [0.3, 0.32, 0.26, 0.12])  # index into vocab.PLANS
    g.personas = Counter({name: int((g.persona == i).sum()) for i, name in enumerate(PERSONAS)})
